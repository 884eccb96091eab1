"""Platform facts as GitHub gives them: required checks bound to the app that must post
them (row 10), rulesets beside classic protection, team slugs that cannot be bent into
another endpoint (row 12). Real git repository, real CLI, the local GitHub server."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import github_events as events
import pytest
from collect.collect_support import clean_env, collect, git, make_repo
from github_server import GitHubServer

from gate.errors import UsageError
from gate.github.client import RoleTeams

PR = 44
OTHER_APP = {"id": 777001, "slug": "helpful-ci", "name": "Helpful CI"}


def _collect(gh: GitHubServer, tmp_path: Path, *checks: Callable[[str], object]) -> dict[str, Any]:
    """Collect in a pull_request run of a fresh feature commit; ``checks`` post the check
    runs and statuses of that commit."""
    repo = make_repo(tmp_path)
    git(repo, "checkout", "-q", "-b", "feature-44")
    (repo / "docs" / "notes.md").write_text("notes\n", "utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "notes")
    head = git(repo, "rev-parse", "HEAD")
    if PR not in gh.pulls:
        gh.open_pull(PR, "dana-dev", [(head, "dana-dev", "dana-dev")])
    for post in checks:
        post(head)
    out = tmp_path / "bundle.json"
    run = events.pull_request(gh, PR, "dana-dev")
    result = collect(
        repo,
        "--github",
        "--output",
        str(out),
        env=clean_env(**run.environment(gh, tmp_path, gh.token)),
    )
    assert result.exit_code == 0, result.output
    return json.loads(out.read_text("utf-8"))


def test_control_the_bound_apps_successful_run_passes(tmp_path: Path) -> None:
    with GitHubServer.running() as gh:
        gh.protect("main", checks=["unit-tests"])  # app_id 15368: GitHub Actions
        bundle = _collect(gh, tmp_path, lambda head: gh.add_check(head, "unit-tests"))
        assert bundle["change"]["tests_passed"] is True


def test_row10_another_apps_run_of_the_required_name_does_not_count(tmp_path: Path) -> None:
    with GitHubServer.running() as gh:
        gh.protect("main", checks=["unit-tests"])
        bundle = _collect(
            gh,
            tmp_path,
            lambda head: gh.add_check(head, "unit-tests", "failure"),
            lambda head: gh.add_check(head, "unit-tests", "success", app=OTHER_APP),
            lambda head: gh.add_status(head, "unit-tests", "success"),
        )
    assert bundle["change"]["tests_passed"] is False
    assert bundle["change"]["required_checks"] == [{"name": "unit-tests", "conclusion": "failure"}]


def test_a_branch_protected_only_by_rulesets_is_protected(tmp_path: Path) -> None:
    with GitHubServer.running() as gh:
        gh.add_ruleset(
            "main",
            {
                "type": "pull_request",
                "parameters": {
                    "required_approving_review_count": 2,
                    "dismiss_stale_reviews_on_push": True,
                    "require_code_owner_review": True,
                },
            },
            {
                "type": "required_status_checks",
                "parameters": {
                    "strict_required_status_checks_policy": True,
                    "required_status_checks": [
                        {"context": "unit-tests", "integration_id": OTHER_APP["id"]}
                    ],
                },
            },
        )
        bundle = _collect(
            gh,
            tmp_path,
            lambda head: gh.add_check(head, "unit-tests", "failure"),
            lambda head: gh.add_check(head, "unit-tests", "success", app=OTHER_APP),
        )
    protection = bundle["security"]["branch_protection"]
    assert (protection["required_reviews"], protection["dismiss_stale"]) == (2, True)
    assert protection["require_code_owner_reviews"] is True
    assert protection["required_status_checks"] == ["unit-tests"]
    assert bundle["change"]["tests_passed"] is True  # the ruleset's app posted success


@pytest.mark.parametrize(
    "team", ["acme-bank/..", "acme-bank/a/b", "acme-bank/%2e%2e", "../teams", "acme-bank/", "x"]
)
def test_row12_team_slugs_that_name_another_endpoint_are_refused(tmp_path: Path, team: str) -> None:
    config = tmp_path / ".mrm-gate.yml"
    config.write_text(f'roles:\n  validator: "{team}"\n', "utf-8")
    with pytest.raises(UsageError, match="must be 'org/team-slug'"):
        RoleTeams.load(config)


def test_control_a_real_team_slug_is_accepted(tmp_path: Path) -> None:
    config = tmp_path / ".mrm-gate.yml"
    config.write_text("roles:\n  validator: acme-bank/model_validators-2\n", "utf-8")
    assert RoleTeams.load(config).teams == {"validator": "acme-bank/model_validators-2"}
