"""The clinical triage example end to end: real training on the breast-cancer data that
ships in scikit-learn, byte-identical retraining, `mrm-gate reproduce`, and collect +
validate + check against the real FDA GMLP/PCCP, SR 11-7 and SOC 2 controls with the real
OPA binary. The evidence is collected as in CI (`collect --github` against the project's
local GitHub REST server, see test_credit_scorecard.py)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from example_repo import (
    FAKE_TOKEN,
    PR,
    REPOSITORIES,
    approvals_needed,
    approve_by_comments,
    check,
    ci_env,
    collect,
    explain,
    failed,
    git,
    github_args,
    make_repo,
    reproduce,
    run_py,
    seed_pull_request,
    waived,
)
from github_server import GitHubServer

from gate.cli import cli
from gate.github.client import RoleTeams

EXAMPLE = "examples/clinical-triage"
CONFIG = f"{EXAMPLE}/.mrm-gate.yml"

# What the public WDBC data cannot show, so the example does not claim it: no patient age
# (FDA-GMLP-03 requires age segments), no published inter-rater agreement for the
# diagnoses (FDA-GMLP-05), no collection dates (SR117-DEV-02 time window; SR117-VAL-05
# out-of-time window; MON-PSI-01 period), and no reader study of pathologists working with
# the model (FDA-GMLP-06). Under the simulated CI collection nothing else denies: every
# platform-fed control (SOC 2, SR117-IMP-01, FDA-GMLP-02's vulnerability scan) passes.
DATA_GAPS = {"FDA-GMLP-03", "FDA-GMLP-05", "SR117-DEV-02"}
PROMOTION_DATA_GAPS = {"FDA-GMLP-06", "SR117-VAL-05", "MON-PSI-01"}
# The example requests a waiver of exactly these (docs/waivers.yml); once approved they are
# reported as `waived`, and only missing approvals deny.
WAIVED = DATA_GAPS | PROMOTION_DATA_GAPS


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass(frozen=True)
class PullRequest:
    repo: Path
    bundle: Path
    server: GitHubServer
    env: dict[str, str]


@pytest.fixture(scope="module")
def pr(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PullRequest]:
    owner, name, author = REPOSITORIES[EXAMPLE]
    with GitHubServer.running(owner=owner, repo=name, token=FAKE_TOKEN) as server:
        repo = make_repo(tmp_path_factory.mktemp("clinical-repo"), EXAMPLE)
        head = seed_pull_request(server, repo, author)
        out = tmp_path_factory.mktemp("clinical-bundle")
        env = ci_env(server, out, head)
        res = collect(repo, EXAMPLE, out / "bundle.json", env)
        assert res.exit_code == 0, res.output
        yield PullRequest(repo, out / "bundle.json", server, env)


@pytest.fixture(scope="module")
def trained(pr: PullRequest) -> tuple[Path, Path]:
    return pr.repo, pr.bundle


def test_retraining_is_byte_identical(trained: tuple[Path, Path], tmp_path: Path) -> None:
    repo, _ = trained
    committed = sha256(repo / EXAMPLE / "out" / "model.json")
    for name in ("a", "b"):
        run_py(repo, f"{EXAMPLE}/pipeline.py", "--out", str(tmp_path / name))
        assert sha256(tmp_path / name / "model.json") == committed


def test_device_evidence_is_real_and_consistent(trained: tuple[Path, Path]) -> None:
    _, bundle_path = trained
    bundle = json.loads(bundle_path.read_text())
    fda = bundle["fda"]
    assert fda["device_function"] is True
    test = fda["clinical_test"]
    # Results meet the pre-set criteria, and so do their lower 95% confidence limits.
    for metric, bound in test["acceptance_criteria"].items():
        assert test["results"][metric] >= bound["min"]
        assert test["ci"]["intervals"][metric]["lower"] >= bound["min"]
        assert test["ci"]["intervals"][metric]["lower"] <= test["results"][metric]
    groups = {(s["attribute"], s["segment"]) for s in test["subgroup_results"]}
    assert {("lesion_size", "below-median"), ("texture", "at-or-above-median")} <= groups
    assert fda["reference_standard"]["method"]
    evaluation = fda["pccp"]["protocol"]["performance_eval"]
    assert evaluation["pass"] is True
    assert evaluation["acceptance_criteria"] == fda["pccp"]["bounds"]
    split = bundle["data"]["split"]
    assert split["leakage_checks"]["entity_overlap"] == 0
    assert split["test_frozen_at"] < split["training_started_at"]
    assert bundle["validation"]["artifact_digest"] == bundle["artifact"]["digest"]
    assert bundle["validation"]["metrics"]["overall"]["sensitivity"] == pytest.approx(
        test["results"]["sensitivity"], abs=1e-6
    )
    model = json.loads((trained[0] / EXAMPLE / "out" / "model.json").read_text())
    assert bundle["model"]["decision_thresholds"]["value"] == model["threshold"]
    assert (trained[0] / bundle["artifact"]["sbom_uri"]).is_file()


def test_merge_and_production_denied_only_for_approvals_then_allowed(
    pr: PullRequest, tmp_path: Path
) -> None:
    res = CliRunner().invoke(cli, ["validate", "--bundle", str(pr.bundle)])
    assert res.exit_code == 0, res.output
    declared = json.loads(pr.bundle.read_text())["waivers"]
    assert {w["control_id"] for w in declared} == WAIVED  # docs/waivers.yml
    github = github_args(pr.repo, EXAMPLE)

    # Merge waits for the approval of the three waivers that apply at merge, nothing else.
    code, merge = check(pr.bundle, "merge")
    assert (code, merge["allow"]) == (1, False)
    assert failed(merge) == DATA_GAPS, explain(merge)
    passed = {c["id"] for c in merge["controls"] if c["status"] == "pass"}
    assert {"FDA-GMLP-02", "FDA-GMLP-04", "GATE-REP-01", "SR117-DEV-03", "SOC2-CM-03"} <= passed
    needed = approvals_needed(merge)
    assert needed == sorted(f"waiver:{control}" for control in DATA_GAPS)
    approve_by_comments(pr.server, pr.repo / CONFIG, merge["bundle_digest"], needed)
    # With the pull request collected, SOC2-CM-04 also counts independent approvals of the
    # head commit (two for this tier, as the branch protection requires): the waiver
    # approver's, and a validator's review.
    pr.server.add_member(RoleTeams.load(pr.repo / CONFIG).teams["validator"], "val-reviewer")
    pr.server.review(PR, "val-reviewer", body=f"Reviewed {merge['bundle_digest']}")
    code, merged = check(pr.bundle, "merge", env=pr.env, extra=github)
    assert (code, merged["allow"]) == (0, True), explain(merged)
    assert waived(merged) == DATA_GAPS

    # Production (on the reproduced bundle, a new digest): the four sign-offs and all six
    # waivers, then allowed with every data gap waived.
    reproduced = tmp_path / "reproduced.json"
    res = reproduce(pr.bundle, pr.repo, reproduced)
    assert res.exit_code == 0, res.output
    code, prod = check(reproduced, "production")
    assert (code, prod["allow"]) == (1, False)
    assert failed(prod) == WAIVED, explain(prod)
    passed = {c["id"] for c in prod["controls"] if c["status"] == "pass"}
    assert {
        "FDA-GMLP-01", "FDA-GMLP-07", "FDA-GMLP-08", "SR117-VAL-01", "SR117-VAL-02",
        "SR117-IMP-01", "SOC2-CM-05", "SOC2-CM-06", "SOC2-OPS-01",
    } <= passed  # fmt: skip
    assert all(not a["satisfied"] for a in prod["required_approvals"])
    needed = approvals_needed(prod)
    assert needed == [
        "clinical_lead", "model_risk_committee", "mrm", "validator",
        *sorted(f"waiver:{control}" for control in WAIVED),
    ]  # fmt: skip
    approve_by_comments(pr.server, pr.repo / CONFIG, prod["bundle_digest"], needed)
    code, approved = check(reproduced, "production", env=pr.env, extra=github)
    assert (code, approved["allow"]) == (0, True), explain(approved)
    assert all(a["satisfied"] for a in approved["required_approvals"]), approved
    assert waived(approved) == WAIVED
    assert {c["id"] for c in approved["controls"] if c["status"] == "waived"} == WAIVED
    # The merge approvals (the waivers and the validator's review) named the other digest:
    # collected, reported stale, never counted.
    assert {a["role"] for a in approved["stale_approvals"]} == {
        "validator",
        *(f"waiver:{control}" for control in DATA_GAPS),
    }


def _as_pccp_modification(src: Path, dest: Path, **results: float) -> Path:
    """The same evidence released as PCCP modification M1 of device 1.0.0."""
    bundle: dict[str, Any] = json.loads(src.read_text())
    fda = bundle["fda"]
    fda["previous_device_version"], fda["device_version"] = "1.0.0", "1.1.0"
    fda["pccp"]["impact_assessment"]["cumulative_changes"] = ["1.0.0 (initial clearance)"]
    fda["pccp"]["protocol"]["performance_eval"]["results"].update(results)
    change = bundle["change"]
    change["type"] = "recalibration"
    change["pccp"] = {"modification_id": "M1-threshold-recalibration", "within_bounds": True}
    # A modification updates the labeling during the change, after its first commit (the
    # start of the change, collected from git).
    started = dt.datetime.fromisoformat(change["first_commit_at"].replace("Z", "+00:00"))
    updated = started + dt.timedelta(hours=1)
    fda["labeling"]["updated_at"] = updated.strftime("%Y-%m-%dT%H:%M:%SZ")
    dest.write_text(json.dumps(bundle))
    return dest


def test_pccp_modification_within_and_outside_bounds(
    trained: tuple[Path, Path], tmp_path: Path
) -> None:
    _, bundle = trained
    inside = _as_pccp_modification(bundle, tmp_path / "m1.json")
    code, prod = check(inside, "production")
    assert code == 1
    pccp = {c["id"]: c["status"] for c in prod["controls"] if c["id"].startswith("FDA-PCCP")}
    assert pccp == dict.fromkeys(
        ("FDA-PCCP-01", "FDA-PCCP-02", "FDA-PCCP-03", "FDA-PCCP-04"), "pass"
    ), explain(prod)
    assert "regulatory_affairs" in {a["role"] for a in prod["required_approvals"]}
    # A recalibration that pushes sensitivity under the predetermined bound is refused.
    outside = _as_pccp_modification(bundle, tmp_path / "m1-out.json", sensitivity=0.80)
    code, prod = check(outside, "merge")
    _, base_merge = check(bundle, "merge")
    assert code == 1
    assert failed(prod) - failed(base_merge) == {"FDA-PCCP-01"}, explain(prod)


def test_tampered_artefact_is_caught(trained: tuple[Path, Path], tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(trained[0], repo)
    model_path = repo / EXAMPLE / "out" / "model.json"
    model = json.loads(model_path.read_text())
    model["threshold"] = 0.6  # flags fewer cases than the validated device
    model_path.write_text(json.dumps(model, sort_keys=True, indent=1) + "\n")
    repro_path = repo / EXAMPLE / "out" / "reproducibility.json"
    repro = json.loads(repro_path.read_text())
    repro["artifact_sha256"] = sha256(model_path)
    repro_path.write_text(json.dumps(repro, sort_keys=True, indent=1) + "\n")
    git(repo, "commit", "-qam", "raise threshold, update record")
    bundle = tmp_path / "b.json"
    assert collect(repo, EXAMPLE, bundle).exit_code == 0
    code, prod = check(bundle, "production")
    assert code == 1
    assert "SR117-VAL-01" in failed(prod)
    res = CliRunner().invoke(cli, ["reproduce", "--bundle", str(bundle), "--repo", str(repo)])
    assert res.exit_code == 1, res.output
