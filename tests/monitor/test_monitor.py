"""`mrm-gate monitor` on the German credit data, end to end with the real OPA."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner, Result
from clock import NOW
from monitor_support import build, drift

from gate.cli import cli
from gate.evidence import validate_bundle
from gate.monitor import stats
from gate.monitor.sql import bin_case, run_psi_duckdb


@pytest.fixture(scope="session")
def data(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Files of every scenario, written once."""
    d = tmp_path_factory.mktemp("monitor")
    credit = build()
    everyone = pd.concat([credit.train, credit.holdout])
    base = credit.window(everyone, "b")
    train_only = credit.window(credit.train, "t")
    cur = credit.window(credit.holdout, "c")
    drifted = credit.window(drift(credit), "d", override_share=0.12)
    files = {
        "base": base,
        "train": train_only,
        "cur": cur,
        "drift": drifted,
        "out": credit.outcomes(cur),
        "dout": credit.outcomes(drifted),
    }
    paths: dict[str, Any] = {"dir": d, "frames": files}
    for name, frame in files.items():
        paths[name] = d / f"{name}.csv"
        frame.to_csv(paths[name], index=False)
    for name in ("base", "cur", "out"):
        paths[name + "_pq"] = d / f"{name}.parquet"
        files[name].to_parquet(paths[name + "_pq"], index=False)
    bundle = credit.bundle(base, credit.holdout)
    paths["bundle_doc"] = bundle
    paths["bundle"] = d / "bundle.json"
    paths["bundle"].write_text(json.dumps(bundle, indent=1), "utf-8")
    paths["credit"] = credit
    return paths


def run(
    data: dict[str, Any],
    tmp: Path,
    *extra: str,
    current: str = "cur",
    baseline: str = "base",
    outcomes: str | None = "out",
    env: dict[str, str | None] | None = None,
) -> tuple[Result, Path, Path]:
    out, report = tmp / "monitored.json", tmp / "report.json"
    args = ["monitor", "--bundle", str(data["bundle"]), "--baseline", str(data[baseline])]
    args += ["--current", str(data[current]), "--output", str(out), "--report", str(report)]
    args += ["--now", NOW, "--baseline-id", "german-credit-all"]
    if outcomes:
        args += ["--outcomes", str(data[outcomes])]
    result = CliRunner().invoke(cli, [*args, *extra], env=env)
    return result, out, report


def failed_controls(report: Path) -> set[str]:
    doc = json.loads(report.read_text("utf-8"))
    return {v["control_id"] for v in doc["decision"]["violations"]}


# ---------------------------------------------------------------- scenarios


def test_undrifted_window_is_ok_with_outcome_analysis(data: dict[str, Any], tmp_path: Path) -> None:
    result, out, report = run(data, tmp_path)
    assert result.exit_code == 0, result.output
    assert "credit-pd-retail: ok" in result.output
    bundle = json.loads(out.read_text("utf-8"))
    validate_bundle(bundle, "monitored")
    latest = bundle["monitoring"]["latest"]
    assert latest["psi_score"] < 0.1
    assert set(latest["csi"]) == set(data["credit"].inputs)
    assert max(latest["csi"].values()) < 0.1
    assert latest["period"] == {"start": "2026-10-01", "end": "2026-10-31"}
    assert latest["baseline_id"] == "german-credit-all"
    # The undrifted window is the validation sample: AIR and metrics match the baseline.
    assert latest["air"] == pytest.approx(data["bundle_doc"]["fairness"]["air_baseline"])
    validated = data["bundle_doc"]["validation"]["metrics"]["overall"]
    for name in ("auc", "gini", "ks"):
        assert latest["metrics"][name] == pytest.approx(validated[name], abs=1e-5)
    doc = json.loads(report.read_text("utf-8"))
    assert doc["outcome"] == "ok"
    assert doc["decision"]["violations"] == [] and doc["decision"]["warnings"] == []
    outcomes = doc["outcomes"]
    assert outcomes["used"] == 300 and outcomes["excluded_not_matured"] == 0
    assert len(outcomes["calibration"]) == 10
    assert sum(r["n"] for r in outcomes["calibration"]) == 300
    assert set(latest["group_error_rates"]) == set(latest["air"])
    statuses = {c["id"]: c["status"] for c in doc["decision"]["controls"]}
    for control in ("MON-PSI-01", "MON-FAIR-01", "SR117-VAL-05", "SR117-MON-02"):
        assert statuses[control] == "pass"
    assert data["bundle"].read_text("utf-8") == json.dumps(data["bundle_doc"], indent=1)


def test_drifted_window_raises_the_expected_alerts(data: dict[str, Any], tmp_path: Path) -> None:
    result, out, report = run(data, tmp_path, current="drift", outcomes="dout")
    assert result.exit_code == 1, result.output
    assert "ALERT" in result.output
    latest = json.loads(out.read_text("utf-8"))["monitoring"]["latest"]
    assert latest["psi_score"] > 0.25
    assert latest["csi_top_contributors"][:2] == ["duration_in_month", "credit_amount"]
    assert latest["csi"]["telephone"] < 0.1  # an input that did not move stays calm
    assert latest["air"]["sex:female"] < 0.8
    assert failed_controls(report) == {"MON-PSI-01", "MON-FAIR-01", "SR117-MON-02", "SR117-VAL-05"}
    doc = json.loads(report.read_text("utf-8"))
    top = doc["stability"]["inputs"]["duration_in_month"]["top_bins"][0]
    assert top["actual"] > top["expected"]
    assert doc["outcomes"]["against_validation"]["gini"]["relative_drop"] > 0.1


def test_warn_exits_zero_unless_asked(data: dict[str, Any], tmp_path: Path) -> None:
    # Against the training sample alone, one sparse categorical input drifts to amber.
    result, _, report = run(data, tmp_path, baseline="train")
    assert result.exit_code == 0, result.output
    assert "credit-pd-retail: warn" in result.output and "amber" in result.output
    assert json.loads(report.read_text("utf-8"))["outcome"] == "warn"
    again, _, _ = run(data, tmp_path, "--fail-on-warn", baseline="train")
    assert again.exit_code == 1


def test_without_outcomes_the_policies_ask_for_them(data: dict[str, Any], tmp_path: Path) -> None:
    result, out, report = run(data, tmp_path, outcomes=None)
    assert result.exit_code == 1, result.output
    latest = json.loads(out.read_text("utf-8"))["monitoring"]["latest"]
    assert "metrics" not in latest and "group_error_rates" not in latest
    assert "MON-FAIR-01" in failed_controls(report)


def test_label_delay_leaves_young_predictions_out(data: dict[str, Any], tmp_path: Path) -> None:
    result, _, report = run(data, tmp_path, "--as-of", "2026-11-15")
    assert result.exit_code in (0, 1), result.output
    outcomes = json.loads(report.read_text("utf-8"))["outcomes"]
    times = pd.to_datetime(data["frames"]["cur"]["scored_at"])
    expected = int((times + pd.Timedelta(days=30) <= pd.Timestamp("2026-11-15 23:59:59")).sum())
    assert 0 < outcomes["used"] == expected < 300
    assert outcomes["excluded_not_matured"] == 300 - expected


def test_parquet_and_duckdb_give_the_same_evidence(data: dict[str, Any], tmp_path: Path) -> None:
    first, out1, _ = run(data, tmp_path / "a")
    second, out2, _ = run(
        data,
        tmp_path / "b",
        "--engine",
        "duckdb",
        current="cur_pq",
        baseline="base_pq",
        outcomes="out_pq",
    )
    assert first.exit_code == second.exit_code == 0, second.output
    latest1 = json.loads(out1.read_text("utf-8"))["monitoring"]["latest"]
    latest2 = json.loads(out2.read_text("utf-8"))["monitoring"]["latest"]
    assert latest1 == latest2


def test_the_psi_sql_matches_numpy(data: dict[str, Any]) -> None:
    edges = data["bundle_doc"]["monitoring"]["plan"]["bins"]["credit_amount"]
    b = data["frames"]["base"]["credit_amount"].to_numpy(dtype=float)
    c = data["frames"]["drift"]["credit_amount"].to_numpy(dtype=float)
    expected = stats.psi_from_counts(
        stats.numeric_counts(b, edges), stats.numeric_counts(c, edges), stats.edge_labels(edges)
    ).value
    assert run_psi_duckdb(data["base"], data["drift"], "credit_amount", edges) == pytest.approx(
        expected, rel=1e-9
    )
    assert "`credit_amount`" in bin_case("credit_amount", edges, q="`")


# ---------------------------------------------------------------- numbers


def test_statistics_agree_with_scikit_learn() -> None:
    from sklearn.metrics import roc_auc_score, roc_curve

    rng = np.random.default_rng(3)
    y = rng.integers(0, 2, 2000).astype(np.int64)
    p = np.round(np.clip(rng.normal(0.4 + 0.2 * y, 0.2), 0, 1), 2)  # ties on purpose
    assert stats.auc(y, p) == pytest.approx(roc_auc_score(y, p), abs=1e-12)
    fpr, tpr, _ = roc_curve(y, p)
    assert stats.ks(y, p) == pytest.approx(float(np.max(tpr - fpr)), abs=1e-12)


def test_psi_bins_and_buckets() -> None:
    edges = [0.0, 1.0, 2.0, 3.0]
    values = np.array([-5.0, 0.0, 0.99, 1.0, 2.5, 3.0, 99.0])
    assert stats.numeric_counts(values, edges).tolist() == [3, 1, 3]
    assert stats.bin_index(values, edges).tolist() == [0, 0, 0, 1, 2, 2, 2]
    rng = np.random.default_rng(5)
    many = np.round(rng.normal(1.5, 1.5, 10_000), 1)  # many values sit exactly on edges
    assert (
        stats.numeric_counts(many, edges).tolist()
        == np.bincount(stats.bin_index(many, edges), minlength=3).tolist()
    )
    same = stats.numeric_counts(values, edges)
    assert stats.psi_from_counts(same, same, stats.edge_labels(edges)).value == 0.0
    cats = np.array(["a", "b", None, "zz", "a", ""], dtype=object)
    cats[cats == ""] = None
    assert stats.category_counts(cats, ["a", "b"]).tolist() == [2, 1, 1, 2]
    assert stats.category_labels(["a"]) == ["a", stats.UNSEEN, stats.MISSING]
