"""`mrm-gate collect` end to end on a real git repository."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from clock import NOW
from collect_support import clean_env, collect, git, invoke, make_repo

from gate.evidence import VOLATILE_PATHS, bundle_digest, digest_view, validate_bundle


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _bundle(repo: Path) -> dict:  # type: ignore[type-arg]
    return json.loads((repo / "evidence" / "bundle.json").read_text("utf-8"))


def test_collect_writes_a_valid_bundle_and_prints_its_digest(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    result = collect(repo)
    assert result.exit_code == 0, result.output
    bundle = _bundle(repo)
    validate_bundle(bundle, "bundle.json")
    assert result.stdout.strip() == bundle_digest(bundle)

    model_file = repo / "models" / "credit_pd_retail.joblib"
    assert bundle["artifact"]["digest"] == "sha256:" + _sha(model_file)
    assert bundle["reproducibility"]["artifact_sha256"] == _sha(model_file)
    assert [c["role"] for c in bundle["artifact"]["components"]] == ["model", "preprocessor"]

    head = git(repo, "rev-parse", "HEAD")
    assert bundle["collected"]["git"]["commit"] == head
    assert bundle["collected"]["git"]["tree_clean"] is True
    assert bundle["collected"]["git"]["authors"] == [
        {"name": "Dana Developer", "email": "dana@example.com"}
    ]
    assert bundle["collected"]["ci"] == {"provider": "local"}
    assert bundle["collected"]["collected_at"] == NOW
    assert bundle["reproducibility"]["git_commit"] == head
    assert bundle["change"]["commit_sha"] == head

    # documentation, metrics and validation files land in their sections
    assert bundle["model"]["id"] == "credit-pd-retail"
    assert bundle["inventory"]["last_validation_date"] == "2026-10-20"
    assert bundle["testing"]["results"] == {
        "auc": 0.781,
        "gini": 0.562,
        "ks": 0.412,
        "train_auc": 0.802,
    }
    assert bundle["validation"]["outcome"] == "approved"

    # DVC: deps/outs of dvc.lock and outs of the .dvc file, paths from the repository root
    snaps = bundle["reproducibility"]["data_snapshots"]
    assert {
        "path": "data/applicants.csv",
        "md5": "47f14903c9a82531cbcc67a8c90d34ca",
        "source": "data/applicants.csv.dvc",
    } in snaps
    assert {
        "path": "data/features/",
        "md5": "20552c54b65e9ce4f22650c450e34596",
        "source": "dvc.lock",
    } in snaps

    # MLflow: run id and params, typed back from strings
    repro = bundle["reproducibility"]
    assert repro["mlflow_run_id"] == "4f1c2a9be0d34c5f9a7b6e1d2c3b4a59"
    assert repro["hyperparameters"] == {"C": 0.5, "penalty": "l2", "max_bins": 8, "seed": 20260615}
    assert repro["seed"] == 20260615
    assert bundle["model_design"]["hyperparameters"] == repro["hyperparameters"]

    # provenance lists every source file with the sha256 of its bytes
    sources = {s["path"]: s for s in bundle["provenance"]["sources"]}
    assert set(sources) == {
        ".mrm-gate.yml",
        "docs/evidence/model.yaml",
        "docs/evidence/testing.yaml",
        "reports/metrics/test_metrics.json",
        "reports/validation/validation.json",
        "models/credit_pd_retail.joblib",
        "models/woe_binning.joblib",
        "dvc.lock",
        "data/applicants.csv.dvc",
        "mlruns/run.json",
    }
    for rel, entry in sources.items():
        assert entry["sha256"] == _sha(repo / rel), rel
    assert sources["mlruns/run.json"]["kind"] == "mlflow"

    assert invoke("validate", "--bundle", str(repo / "evidence/bundle.json")).exit_code == 0


def test_same_inputs_give_identical_bytes(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    env = clean_env(GITHUB_ACTIONS="true", GITHUB_RUN_ID="111", GITHUB_RUN_ATTEMPT="1")
    first_out, second_out = tmp_path / "a.json", tmp_path / "b.json"
    assert collect(repo, "--output", str(first_out), env=env).exit_code == 0
    assert collect(repo, "--output", str(second_out), env=env).exit_code == 0
    assert first_out.read_bytes() == second_out.read_bytes()


def test_another_run_on_another_day_keeps_the_digest(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    common = {"GITHUB_ACTIONS": "true", "GITHUB_REPOSITORY": "acme-bank/credit-pd-retail"}
    first_out, second_out = tmp_path / "a.json", tmp_path / "b.json"
    first = invoke(
        "collect",
        "--repo",
        str(repo),
        "--output",
        str(first_out),
        "--now",
        "2026-11-30T08:00:00Z",
        env=clean_env(GITHUB_RUN_ID="111", GITHUB_RUN_ATTEMPT="1", **common),
    )
    second = invoke(
        "collect",
        "--repo",
        str(repo),
        "--output",
        str(second_out),
        "--now",
        "2026-12-24T17:30:00Z",
        env=clean_env(GITHUB_RUN_ID="999", GITHUB_RUN_ATTEMPT="2", **common),
    )
    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
    assert first.stdout == second.stdout  # the printed digest
    a, b = json.loads(first_out.read_bytes()), json.loads(second_out.read_bytes())
    assert a != b
    assert digest_view(a) == digest_view(b)
    assert bundle_digest(a) == bundle_digest(b)
    assert {("collected", "ci"), ("collected", "collected_at")} <= set(VOLATILE_PATHS)


def test_ci_facts_come_from_the_environment(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    head = git(repo, "rev-parse", "HEAD")
    env = clean_env(
        GITHUB_ACTIONS="true",
        GITHUB_REPOSITORY="acme-bank/credit-pd-retail",
        GITHUB_RUN_ID="9876543210",
        GITHUB_RUN_ATTEMPT="2",
        GITHUB_WORKFLOW="model-gate",
        GITHUB_REF="refs/pull/212/merge",
        GITHUB_SHA=head,
        GITHUB_EVENT_NAME="pull_request",
        GITHUB_ACTOR="dana-dev",
        GITHUB_SERVER_URL="https://github.com",
    )
    assert collect(repo, env=env).exit_code == 0
    assert _bundle(repo)["collected"]["ci"] == {
        "provider": "github_actions",
        "repository": "acme-bank/credit-pd-retail",
        "run_id": "9876543210",
        "run_attempt": 2,
        "workflow": "model-gate",
        "ref": "refs/pull/212/merge",
        "sha": head,
        "event_name": "pull_request",
        "actor": "dana-dev",
        "server_url": "https://github.com",
    }


def test_bad_ci_variable_is_a_usage_error(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    result = collect(repo, env=clean_env(GITHUB_RUN_ATTEMPT="first"))
    assert result.exit_code == 2
    assert "GITHUB_RUN_ATTEMPT" in result.stderr
    assert not (repo / "evidence" / "bundle.json").exists()


def test_change_range_from_github_base_ref(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    base = git(repo, "rev-parse", "HEAD")
    git(repo, "checkout", "-q", "-b", "feature")
    (repo / "docs" / "evidence" / "testing.yaml").write_text(
        (repo / "docs" / "evidence" / "testing.yaml").read_text() + "# tweak\n"
    )
    git(
        repo,
        "commit",
        "-q",
        "-am",
        "tweak",
        GIT_AUTHOR_NAME="Lee Developer",
        GIT_AUTHOR_EMAIL="lee@example.com",
    )
    head = git(repo, "rev-parse", "HEAD")
    assert collect(repo, env=clean_env(GITHUB_BASE_REF="main")).exit_code == 0
    facts = _bundle(repo)["collected"]["git"]
    assert facts["change_range"] == f"{base}..{head}"
    assert facts["authors"] == [{"name": "Lee Developer", "email": "lee@example.com"}]
    assert facts["committers"] == [{"name": "Dana Developer", "email": "dana@example.com"}]


def test_unknown_base_ref_exits_2(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    result = collect(repo, "--base", "no-such-branch")
    assert result.exit_code == 2
    assert "no-such-branch" in result.stderr


def test_dirty_tree_is_recorded_but_the_bundle_itself_does_not_count(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    out = repo / "bundle.json"  # inside the repository and not ignored
    assert collect(repo, "--output", str(out)).exit_code == 0
    assert collect(repo, "--output", str(out)).exit_code == 0
    assert json.loads(out.read_text())["collected"]["git"]["tree_clean"] is True
    (repo / "models" / "woe_binning.joblib").write_text("changed\n")
    assert collect(repo, "--output", str(out)).exit_code == 0
    assert json.loads(out.read_text())["collected"]["git"]["tree_clean"] is False


def test_not_a_git_repository_exits_2(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    import shutil

    shutil.rmtree(repo / ".git")
    result = collect(repo)
    assert result.exit_code == 2
    assert "not a git working tree" in result.stderr


def test_collect_validate_check_merge_on_the_example(tmp_path: Path) -> None:
    """collect && validate && check --stage merge with the real OPA: the collected bundle is
    accepted by the engine and yields a decision (0 or 1), never an evidence or engine error.
    Whether merge is allowed depends on the controls, which are still growing."""
    repo = make_repo(tmp_path)
    assert collect(repo).exit_code == 0
    bundle = str(repo / "evidence" / "bundle.json")
    assert invoke("validate", "--bundle", bundle).exit_code == 0
    result = invoke("check", "--bundle", bundle, "--stage", "merge", "--now", NOW)
    assert result.exit_code in (0, 1), result.output
    assert "at stage merge" in result.output
