"""`mrm-gate monitor --decision-log`: production monitored from the decision log the scoring
service writes, for the model version the registry's @production alias points at, against a
real MLflow server; a bundle that is not the one in production is refused."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from click.testing import CliRunner, Result

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "monitor"))

from clock import NOW  # noqa: E402
from mlflow import MlflowClient  # noqa: E402
from mlflow_server import GATE, MlflowServer, mlflow_server  # noqa: E402, F401
from monitor_support import build, drift  # noqa: E402

from gate.cli import cli  # noqa: E402
from gate.registry import decision_log  # noqa: E402

MODEL = "credit-pd-retail"  # the bundle's model.id


def _rows(window: pd.DataFrame, version: str, inputs: list[str]) -> list[dict[str, Any]]:
    """The window as the scoring service logs it."""
    rows = []
    for _, r in window.iterrows():
        features = {c: (r[c].item() if hasattr(r[c], "item") else r[c]) for c in inputs}
        features |= {"sex": r["sex"], "age_band": r["age_band"]}
        rows.append(
            {
                "decision_id": r["application_id"],
                "decided_at": r["scored_at"].strftime("%Y-%m-%dT%H:%M:%SZ"),
                "model_name": MODEL,
                "model_version": version,
                "input_digest": decision_log.input_digest(features),
                "score": float(r["pd"]),
                "decision": r["decision"],
                "overrides": '["analyst"]' if r["override"] else "[]",
                "features": json.dumps(features, sort_keys=True),
            }
        )
    return rows


def _version(client: MlflowClient, tmp: Path, digest: str | None) -> str:
    """A governed version carrying the compliance record's artefact digest (None: a version
    registered without the gate, with no such tag)."""
    experiment = client.get_experiment_by_name(MODEL)
    eid = experiment.experiment_id if experiment else client.create_experiment(MODEL)
    run = client.create_run(eid)
    artefact = tmp / "model.json"
    artefact.write_text("{}\n")
    client.log_artifact(run.info.run_id, str(artefact), "model")
    mv = client.create_model_version(MODEL, f"{run.info.artifact_uri}/model", run.info.run_id)
    if digest is not None:
        client.set_model_version_tag(MODEL, mv.version, "mrm_gate.artifact_digest", digest)
    return str(mv.version)


@pytest.fixture(scope="module")
def served(
    mlflow_server: MlflowServer,  # noqa: F811
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[str, Any]:
    """Version 1 (another artefact) made drifted decisions; version 2, this bundle's
    artefact, is @production and made the holdout's 300 decisions."""
    d = tmp_path_factory.mktemp("decision-log")
    credit = build()
    base = credit.window(pd.concat([credit.train, credit.holdout]), "b")
    cur = credit.window(credit.holdout, "c")
    old = credit.window(drift(credit), "d", override_share=0.12)
    bundle = credit.bundle(base, credit.holdout)
    (d / "bundle.json").write_text(json.dumps(bundle, indent=1))
    # The windows without the outcome, which only the outcomes file brings.
    base.drop(columns="bad").to_csv(d / "base.csv", index=False)
    credit.outcomes(cur).to_csv(d / "outcomes.csv", index=False)
    cur.drop(columns="bad").to_csv(d / "current.csv", index=False)
    log = d / "decisions"
    decision_log.append(log, _rows(old, "1", credit.inputs))
    decision_log.append(log, _rows(cur, "2", credit.inputs))
    os.environ.update(mlflow_server.env_for(GATE))
    gate = MlflowClient(tracking_uri=mlflow_server.uri, registry_uri=mlflow_server.uri)
    gate.create_registered_model(MODEL)
    assert _version(gate, d, "sha256:" + "0" * 64) == "1"
    assert _version(gate, d, bundle["artifact"]["digest"]) == "2"
    gate.set_registered_model_alias(MODEL, "production", "2")
    return {"dir": d, "log": log, "env": mlflow_server.env_for(GATE), "gate": gate}


def _monitor(
    served: dict[str, Any], tmp: Path, *window: str, bundle: Path | None = None
) -> tuple[Result, Path]:
    d = served["dir"]
    report = tmp / "report.json"
    bundle = bundle or d / "bundle.json"
    args = ["monitor", "--bundle", str(bundle), "--baseline", str(d / "base.csv"),
            *window, "--outcomes", str(d / "outcomes.csv"), "--output", str(tmp / "m.json"),
            "--report", str(report), "--now", NOW, "--baseline-id", "german-credit"]  # fmt: skip
    return CliRunner().invoke(cli, args, env=served["env"]), report


def test_the_window_is_the_production_versions_decisions(
    served: dict[str, Any], tmp_path: Path
) -> None:
    res, report = _monitor(served, tmp_path, "--decision-log", str(served["log"]))
    assert res.exit_code == 0, res.output
    assert (
        f"monitoring {MODEL} version 2 (@production): 300 decision(s) from {served['log']}"
        in res.stderr
    )
    doc = json.loads(report.read_text())
    assert doc["outcome"] == "ok"
    assert doc["outcomes"]["used"] == 300 and doc["outcomes"]["excluded_not_matured"] == 0
    assert doc["latest"]["period"] == {"start": "2026-10-01", "end": "2026-10-31"}
    # The same figures as the window given as a file: version 1's drifted decisions are out.
    file_res, file_report = _monitor(
        served, tmp_path / "file", "--current", str(served["dir"] / "current.csv")
    )
    assert file_res.exit_code == 0, file_res.output
    from_file = json.loads(file_report.read_text())["latest"]
    assert doc["latest"]["csi"] == pytest.approx(from_file["csi"])
    assert doc["latest"]["psi_score"] == pytest.approx(from_file["psi_score"])
    assert doc["latest"]["override_rate"] == pytest.approx(from_file["override_rate"])


def _monitor_log_with_production(
    served: dict[str, Any], tmp: Path, version: str | None, **kwargs: Any
) -> tuple[Result, Path]:
    """Monitor from the decision log while @production is ``version`` (None: no alias);
    version 2 is put back after."""
    if version is None:
        served["gate"].delete_registered_model_alias(MODEL, "production")
    else:
        served["gate"].set_registered_model_alias(MODEL, "production", version)
    try:
        return _monitor(
            served, tmp, "--decision-log", str(kwargs.pop("log", served["log"])), **kwargs
        )
    finally:
        served["gate"].set_registered_model_alias(MODEL, "production", "2")


def test_a_bundle_not_in_production_is_refused(served: dict[str, Any], tmp_path: Path) -> None:
    res, report = _monitor_log_with_production(served, tmp_path, "1")
    assert res.exit_code == 2, res.output
    assert f"{MODEL}@production is version 1, promoted with artefact sha256:{'0' * 64}" in (
        res.stderr
    )
    assert f"monitor with the bundle promoted as {MODEL} version 1" in res.stderr
    assert not report.exists()


def test_current_and_decision_log_are_one_or_the_other(
    served: dict[str, Any], tmp_path: Path
) -> None:
    res, _ = _monitor(served, tmp_path)
    assert res.exit_code == 2 and "give one of --current and --decision-log" in res.stderr


def test_nothing_in_production_says_so(served: dict[str, Any], tmp_path: Path) -> None:
    res, report = _monitor_log_with_production(served, tmp_path, None)
    assert res.exit_code == 2, res.output
    assert f"no version of {MODEL} is in production (the registry has no {MODEL}@production)" in (
        res.stderr
    )
    assert "mrm-gate promote --stage production" in res.stderr
    assert not report.exists()


def test_no_artefact_on_either_side_is_no_match(served: dict[str, Any], tmp_path: Path) -> None:
    """A version registered without the gate (no artefact tag) in production, monitored with
    a bundle that names no artefact: two absent digests do not tie the decisions to it."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    untagged = _version(served["gate"], tmp_path, None)
    log = tmp_path / "decisions"
    log.mkdir()
    for i, part in enumerate(sorted(served["log"].glob("*.parquet"))):
        table = pq.read_table(part)
        at = table.schema.get_field_index("model_version")
        versions = pa.array([untagged] * table.num_rows, pa.string())
        table = table.set_column(at, "model_version", versions)
        pq.write_table(table, log / f"part-{i}.parquet")
    bundle = json.loads((served["dir"] / "bundle.json").read_text())
    del bundle["artifact"]
    (tmp_path / "bundle.json").write_text(json.dumps(bundle))
    res, report = _monitor_log_with_production(
        served, tmp_path, untagged, log=log, bundle=tmp_path / "bundle.json"
    )
    assert res.exit_code == 2, res.output
    assert "promoted with artefact (no compliance record), not this bundle's None" in res.stderr
    assert not report.exists()


@pytest.mark.parametrize(
    ("column", "value", "said"),
    [
        ("features", "None", "features is not a JSON object ('None')"),
        ("features", "[1, 2]", "features is not a JSON object ('[1, 2]')"),
        ("overrides", "analyst", "overrides is not a JSON array ('analyst')"),
        ("decided_at", "2026-10-05 09:00", "decided_at '2026-10-05 09:00' is not a UTC time"),
        ("decided_at", "2026-02-30T09:00:00Z", "decided_at '2026-02-30T09:00:00Z' is not a UTC"),
    ],
)
def test_a_malformed_logged_decision_is_refused_naming_it(
    served: dict[str, Any], tmp_path: Path, column: str, value: str, said: str
) -> None:
    """A row the scoring service could not have written: exit 2 naming the decision and
    the column, no report, never a traceback."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    log = tmp_path / "decisions"
    log.mkdir()
    for i, part in enumerate(sorted(served["log"].glob("*.parquet"))):
        table = pq.read_table(part)
        at = table.schema.get_field_index(column)
        table = table.set_column(at, column, pa.array([value] * table.num_rows, pa.string()))
        pq.write_table(table, log / f"part-{i}.parquet")
    res, report = _monitor_log_with_production(served, tmp_path, "2", log=log)
    assert res.exit_code == 2, res.output
    assert f"the decision log {log}: decision " in res.stderr and said in res.stderr
    assert "Traceback" not in res.output
    assert not report.exists()
