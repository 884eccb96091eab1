"""Row 12: the role -> team map comes from the base branch, read through GitHub
(``GET /contents/.mrm-gate.yml?ref=<base>``), never from the pull request's checkout.

Each test runs `mrm-gate check --github` without ``--config`` (as the Action does when no
base-branch checkout is given) inside a checkout of the pull request's head, with the
real OPA and the local GitHub server hosting a real git repository."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from collect.collect_support import git
from github_server import PR, GitHubServer, actions_env, standard_pull, write_config
from test_github_attacks import BUNDLE, approve_all_but_validator, digest_hex, stale_reasons

from conftest import NOW
from gate.cli import cli

# The pull request's edit: validators are a team its author's colleague is in.
ACCOMPLICE = "mal-mate"
OWN_TEAM = "acme-bank/credit-developers"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """``main`` holds the organisation's .mrm-gate.yml; the pull request's branch
    ``feature`` rewrites its validator team, and is checked out (the job's workspace)."""
    path = tmp_path / "repo"
    path.mkdir()
    git(path, "init", "-q", "-b", "main")
    git(path, "config", "user.email", "dana-dev@example.test")
    git(path, "config", "user.name", "dana-dev")
    write_config(path)
    git(path, "add", ".mrm-gate.yml")
    git(path, "commit", "-q", "-m", "roles")
    git(path, "checkout", "-q", "-b", "feature")
    config = path / ".mrm-gate.yml"
    lines = config.read_text("utf-8").splitlines()
    edited = [f'  "validator": {OWN_TEAM}' if '"validator"' in ln else ln for ln in lines]
    config.write_text("\n".join(edited) + "\n", "utf-8")
    git(path, "commit", "-q", "-am", "tune the review process")
    return path


@pytest.fixture
def gh(repo: Path) -> Iterator[GitHubServer]:
    with GitHubServer.running(git_dir=repo) as server:
        standard_pull(server)
        server.add_member(OWN_TEAM, ACCOMPLICE)
        server.add_member(OWN_TEAM, "dana-dev")
        yield server


def check_in(
    repo: Path, server: GitHubServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, **env: Any
) -> tuple[int, dict[str, Any], str]:
    """`mrm-gate check --github` with no --config, run in the pull request's checkout."""
    monkeypatch.chdir(repo)
    result = CliRunner().invoke(
        cli,
        ["check", "--bundle", str(BUNDLE), "--stage", "production", "--github",
         "--format", "json", "--now", NOW],
        env=actions_env(server, tmp_path, **env),
    )  # fmt: skip
    decision = json.loads(result.stdout) if result.stdout.startswith("{") else {}
    return result.exit_code, decision, result.stderr


def validator_of(decision: dict[str, Any]) -> dict[str, Any]:
    return next(r for r in decision["required_approvals"] if r["role"] == "validator")


def approve(
    repo: Path, gh: GitHubServer, tmp_path: Path, mp: pytest.MonkeyPatch, login: str
) -> tuple[int, dict[str, Any], str]:
    _, first, err = check_in(repo, gh, tmp_path, mp)
    assert first, err
    approve_all_but_validator(gh, first)
    gh.comment(PR, login, f"/approve validator {digest_hex()}")
    return check_in(repo, gh, tmp_path, mp)


def test_control_the_base_branchs_validator_team_approves(
    repo: Path, gh: GitHubServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, decision, err = approve(repo, gh, tmp_path, monkeypatch, "vera-validator")
    assert code == 0, err
    assert validator_of(decision)["satisfied_by"] == ["vera-validator"]
    assert ("GET", "/repos/acme-bank/credit-pd-retail/contents/.mrm-gate.yml") in gh.requests


def test_row12_a_pull_request_naming_its_own_validator_team_is_denied(
    repo: Path, gh: GitHubServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The checkout's .mrm-gate.yml (the pull request's) names OWN_TEAM as validators.
    assert OWN_TEAM in (repo / ".mrm-gate.yml").read_text("utf-8")
    code, decision, err = approve(repo, gh, tmp_path, monkeypatch, ACCOMPLICE)
    assert code == 1, err
    assert validator_of(decision)["satisfied"] is False
    assert "not verified" in stale_reasons(decision, ACCOMPLICE)


def test_row12_the_author_made_validator_by_the_pull_request_is_still_denied(
    repo: Path, gh: GitHubServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gh.teams["acme-bank/validator-approvers"].pop("dana-dev")  # only OWN_TEAM holds her
    code, decision, _ = approve(repo, gh, tmp_path, monkeypatch, "dana-dev")
    assert code == 1
    assert validator_of(decision)["satisfied"] is False
    assert "not verified" in stale_reasons(decision, "dana-dev")


def test_row12_a_merged_pull_request_is_judged_by_the_roles_before_it_landed(
    repo: Path, gh: GitHubServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Merged, main holds the edit; its deploy reads the merge commit's first parent.
    code, first, err = check_in(repo, gh, tmp_path, monkeypatch)
    assert first, err
    approve_all_but_validator(gh, first)
    gh.comment(PR, ACCOMPLICE, f"/approve validator {digest_hex()}")
    before = git(repo, "rev-parse", "main")
    git(repo, "checkout", "-q", "main")
    git(repo, "merge", "-q", "--no-ff", "-m", "Merge pull request #212", "feature")
    merge = git(repo, "rev-parse", "HEAD")
    assert OWN_TEAM in git(repo, "show", "main:.mrm-gate.yml")
    gh.merge(PR, merge)
    code, decision, err = check_in(
        repo, gh, tmp_path, monkeypatch, number=None, sha=merge, event_name="workflow_dispatch"
    )
    assert code == 1, err
    assert validator_of(decision)["satisfied"] is False
    assert "not verified" in stale_reasons(decision, ACCOMPLICE)
    assert ("GET", f"/repos/acme-bank/credit-pd-retail/commits/{merge}") in gh.requests
    assert before != merge


def test_row12_no_config_on_the_base_branch_fails_closed_naming_file_and_ref(
    repo: Path, gh: GitHubServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    git(repo, "checkout", "-q", "main")
    git(repo, "rm", "-q", ".mrm-gate.yml")
    git(repo, "commit", "-q", "-m", "no roles")
    git(repo, "checkout", "-q", "feature")
    code, decision, err = check_in(repo, gh, tmp_path, monkeypatch)
    assert code == 3 and decision == {}
    assert ".mrm-gate.yml at main: GitHub answered 404" in err
    assert "never from the pull request" in err
    assert "Traceback" not in err


def test_row12_a_token_that_may_not_read_contents_fails_closed(
    repo: Path, gh: GitHubServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gh.fail("GET", r"/contents/", 403, message="Resource not accessible by integration")
    code, decision, err = check_in(repo, gh, tmp_path, monkeypatch)
    assert code == 3 and decision == {}
    assert "reading .mrm-gate.yml at main: HTTP 403" in err
    assert "Contents: read" in err


def test_row12_a_base_branch_team_slug_naming_another_endpoint_is_refused(
    repo: Path, gh: GitHubServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    git(repo, "checkout", "-q", "main")
    (repo / ".mrm-gate.yml").write_text('roles:\n  validator: "acme-bank/.."\n', "utf-8")
    git(repo, "commit", "-q", "-am", "every member")
    git(repo, "checkout", "-q", "feature")
    code, decision, err = check_in(repo, gh, tmp_path, monkeypatch)
    assert code == 2 and decision == {}
    assert ".mrm-gate.yml at main: roles.validator must be 'org/team-slug'" in err
