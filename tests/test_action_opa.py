"""action.yml with `opa-path`: the binary is used only when its sha256 is the one given;
and `reproduce: "true"` is refused before anything is installed or run."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest
from actions_runner import GitHubRepo, Runner

from conftest import ROOT
from gate.engine.toolchain import OpaBinary

NOT_THE_ACTION = shutil.ignore_patterns(
    ".git", ".venv", ".tools", "build", "dist", "*.egg-info", "__pycache__", ".*_cache", "out"
)


@pytest.fixture(scope="module")
def runner(tmp_path_factory: pytest.TempPathFactory) -> Runner:
    base = tmp_path_factory.mktemp("action-opa")
    action = base / "mrm-gate"
    shutil.copytree(ROOT, action, symlinks=True, ignore=NOT_THE_ACTION)
    origin = base / "origin"
    (origin / ".github" / "workflows").mkdir(parents=True)
    shutil.copy(ROOT / "tests" / "workflows" / "action-opa.yml", origin / ".github" / "workflows")
    for args in (["init", "-q", "-b", "main"], ["add", "."], ["commit", "-qm", "workflow"]):
        subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
            cwd=origin,
            check=True,
            capture_output=True,
        )
    return Runner(
        GitHubRepo(origin, "acme/models"),
        base / "runner",
        api_url="http://127.0.0.1:1",
        token="ghs_test",
        actions={"acme-bank/mrm-gate@v1": action},
        machine_env={"PIP_NO_INDEX": "1", "PIP_NO_BUILD_ISOLATION": "0"},
    )


def dispatch(opa: str, sha256: str) -> dict[str, object]:
    return {
        "ref": "refs/heads/main",
        "inputs": {"opa-path": opa, "opa-sha256": sha256},
        "sender": {"login": "kim"},
    }


def test_a_binary_with_another_sha256_stops_the_run(runner: Runner, opa: OpaBinary) -> None:
    run = runner.run(
        ".github/workflows/action-opa.yml", "workflow_dispatch", dispatch(opa.path, "0" * 64)
    )
    assert run is not None
    job = run.job()
    step = job.step("Install OPA")
    assert (step.outcome, step.exit_code) == ("failure", 3)
    assert "does not have the sha256 given in opa-sha256" in step.log
    assert job.step("Cache OPA").outcome == "skipped"
    assert job.step("Collect evidence").outcome == "skipped"
    assert job.conclusion == "failure"


def test_the_verified_binary_is_the_one_the_gate_uses(runner: Runner, opa: OpaBinary) -> None:
    digest = hashlib.sha256(Path(opa.path).read_bytes()).hexdigest()
    run = runner.run(
        ".github/workflows/action-opa.yml", "workflow_dispatch", dispatch(opa.path, digest)
    )
    assert run is not None
    job = run.job()
    assert job.step("Install OPA").outcome == "success", job.log
    assert job.step("Install mrm-gate").outcome == "success"
    # The next step (Collect) runs with it; this repository has no config, so it stops there.
    collect = job.step("Collect evidence")
    assert collect.exit_code == 2, collect.log


def test_reproducing_in_the_gates_own_job_is_refused_before_anything_runs(
    runner: Runner, opa: OpaBinary
) -> None:
    payload = {
        "ref": "refs/heads/main",
        "inputs": {"opa-path": opa.path, "opa-sha256": "0" * 64, "reproduce": "true"},
        "sender": {"login": "kim"},
    }
    run = runner.run(".github/workflows/action-opa.yml", "workflow_dispatch", payload)
    assert run is not None
    job = run.job()
    step = job.step("Refuse to run the training here")
    assert (step.outcome, step.exit_code) == ("failure", 2)
    assert "reproduce: true is refused" in step.log
    assert "acme-bank/mrm-gate/reproduce in a job of its own" in step.log
    assert job.step("Install mrm-gate").outcome == "skipped"
    assert job.step("Collect evidence").outcome == "skipped"
    assert job.conclusion == "failure"
