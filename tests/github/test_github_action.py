"""The composite Action and the example workflows: inputs reach scripts only through
`env:`, least permissions, policies from the base branch."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import ROOT


def load(rel: str) -> Any:
    return yaml.safe_load((ROOT / rel).read_text("utf-8"))


def run_steps(rel: str) -> str:
    action = load(rel)
    assert action["runs"]["using"] == "composite"
    steps = action["runs"]["steps"]
    for step in steps:
        if "run" in step:
            assert "${{" not in step["run"], step.get("name")
        if "uses" in step:
            ref = step["uses"].split("@")[1]
            assert len(ref) == 40, f"{step['uses']} is not pinned to a commit"
    return " ".join(step.get("run", "") for step in steps)


def test_success_action_never_interpolates_expressions_into_run() -> None:
    names = run_steps("action.yml")
    for command in (
        "mrm-gate collect",
        'mrm-gate reproduce --bundle "$GATE_BUNDLE" --from-result',
        "mrm-gate check",
        "--github",
        "mrm-gate report",
        "install-opa.sh",
    ):
        assert command in names
    assert "--result" not in names.replace("--from-result", "")  # it never retrains
    assert set(load("action.yml")["outputs"]) == {"decision", "bundle-digest", "attestation"}
    assert "mrm-gate record" in names and "--attestation" in names
    retrains = run_steps("reproduce/action.yml")
    assert "mrm-gate reproduce --bundle" in retrains and "collect --github" not in retrains


def test_success_the_pull_requests_code_runs_only_in_a_job_without_secrets() -> None:
    # The pull request gate reads the pull request, to refuse a fork's in a comment's run.
    reads = {"pr-gate.yml": {"pull-requests": "read"}, "deploy-gate.yml": {}}
    for name, more in reads.items():
        flow = load(f"examples/workflows/{name}")
        assert flow["permissions"] == {"contents": "read"}
        reproduce, gate = flow["jobs"]["reproduce"], flow["jobs"]["gate"]
        assert reproduce["permissions"] == {"contents": "read", **more}
        assert "secrets" not in yaml.safe_dump(reproduce)
        assert "environment" not in reproduce
        assert [s["uses"].split("@")[0] for s in reproduce["steps"]][-1] == (
            "acme-bank/mrm-gate/reproduce"
        )
        assert gate["needs"] == "reproduce"
        assert not [s for s in gate["steps"] if "run" in s and "mrm-gate" in s["run"]]
        action = next(s for s in gate["steps"] if "mrm-gate@" in s.get("uses", ""))
        assert "reproduce" not in action["with"]
        assert action["with"]["reproduction"].endswith("reproduction.json")


def test_success_pr_gate_has_least_permissions_and_base_branch_policies() -> None:
    flow = load("examples/workflows/pr-gate.yml")
    triggers = flow[True]  # YAML 1.1 reads the key `on` as true
    assert set(triggers) == {"pull_request", "pull_request_review", "issue_comment"}
    permissions = flow["jobs"]["gate"]["permissions"]
    assert permissions == {"contents": "read", "pull-requests": "write", "checks": "write"}
    steps = flow["jobs"]["gate"]["steps"]
    base = next(s for s in steps if s.get("with", {}).get("path") == ".mrm-gate-base")
    assert "base.ref" in base["with"]["ref"]
    gate = next(s for s in steps if "mrm-gate@" in s.get("uses", ""))
    assert gate["with"]["policy"].startswith(".mrm-gate-base/")
    assert gate["with"]["roles-config"].startswith(".mrm-gate-base/")
    assert all(
        s.get("with", {}).get("persist-credentials") is False
        for s in steps
        if "checkout" in s.get("uses", "")
    )


def test_success_deploy_gate_and_ci() -> None:
    deploy = load("examples/workflows/deploy-gate.yml")
    assert deploy["jobs"]["gate"]["environment"] == "production"
    # The deploy job takes no word of the gate job's but its attestation, holds no secret
    # and no write permission, and reads the trust file from before the merge.
    job = deploy["jobs"]["deploy"]
    assert job["needs"] == "gate" and job["permissions"] == {"contents": "read"}
    assert "secrets" not in yaml.safe_dump(job) and "environment" not in job
    trusted = next(s for s in job["steps"] if s.get("name") == "Trust file of the base branch")
    assert 'git show "HEAD^1:$TRUST_FILE"' in trusted["run"]
    verify = next(s for s in job["steps"] if "mrm-gate/verify@" in s.get("uses", ""))
    assert verify["with"]["trust"].endswith("mrm-gate-trust.json")
    assert "mrm-gate verify" in run_steps("verify/action.yml")
    ci = load(".github/workflows/ci.yml")
    assert any(s.get("run") == "make test" for s in ci["jobs"]["test"]["steps"])
    assert ci["permissions"] == {"contents": "read"}


def _report_step_exit(decision: Path, check_exit: str) -> int:
    """Run the Action's own Report script (from action.yml) with Check's outputs."""
    steps = load("action.yml")["runs"]["steps"]
    script = next(step["run"] for step in steps if step.get("id") == "report")
    env = {**os.environ, "GATE_DECISION": str(decision), "GATE_EXIT": check_exit}
    proc = subprocess.run(["bash", "-c", script], env=env, capture_output=True, check=False)
    assert b"no decision" in proc.stdout, proc.stdout
    return proc.returncode


@pytest.mark.parametrize(("check_exit", "expected"), [("0", 3), ("1", 1), ("2", 2), ("3", 3)])
def test_fail_report_without_a_decision_never_passes(
    tmp_path: Path, check_exit: str, expected: int
) -> None:
    assert _report_step_exit(tmp_path / "never-written.json", check_exit) == expected
