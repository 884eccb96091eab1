"""GATE-WF-01: the gate's verdict counts only when something the pull request cannot edit
enforces the gate's workflow. A pull_request run uses the pull request's own workflow
files, so a pull request can delete the gate job or post a check named `mrm-gate` with
the workflow token. Each test collects the facts from the local GitHub server with
`mrm-gate collect --github` (real git repository, real CLI) and evaluates the bundle with
the real OPA."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from github_server import ACTIONS_APP, GATE_APP, GitHubServer
from test_github_platform import _collect

from conftest import NOW
from gate.cli import cli

ADMIN_ROLE = {"actor_id": 5, "actor_type": "RepositoryRole", "bypass_mode": "always"}


def gate_check_rule(app_id: int) -> dict[str, Any]:
    return {
        "type": "required_status_checks",
        "parameters": {
            "strict_required_status_checks_policy": True,
            "required_status_checks": [{"context": "mrm-gate", "integration_id": app_id}],
        },
    }


def wf_01(gh: GitHubServer, tmp_path: Path) -> list[dict[str, Any]]:
    """GATE-WF-01's violations of the bundle collected from ``gh`` at stage merge."""
    bundle = _collect(gh, tmp_path)
    path = tmp_path / "collected.json"
    path.write_text(json.dumps(bundle), "utf-8")
    result = CliRunner().invoke(
        cli,
        ["check", "--bundle", str(path), "--stage", "merge", "--format", "json", "--now", NOW],
    )
    assert result.exit_code in (0, 1), result.output
    decision = json.loads(result.stdout)
    return [v for v in decision["violations"] if v["control_id"] == "GATE-WF-01"]


def test_the_gate_check_required_from_github_actions_only_is_denied(tmp_path: Path) -> None:
    # Classic protection requires mrm-gate, bound to GitHub Actions: any workflow of the
    # pull request posts that check with its GITHUB_TOKEN.
    with GitHubServer.running() as gh:
        gh.protect("main", checks=["unit-tests", "mrm-gate"])
        [violation] = wf_01(gh, tmp_path)
    assert "can be posted by a workflow the pull request edits" in violation["msg"]
    assert "Require workflows to pass before merging" in violation["remediation"]
    assert "docs/github.md, Rulesets" in violation["remediation"]
    assert violation["evidence_path"] == "$.security.branch_protection.required_workflows"


def test_a_ruleset_requiring_the_gate_workflow_passes(tmp_path: Path) -> None:
    with GitHubServer.running() as gh:
        gh.protect("main", checks=["unit-tests", "mrm-gate"])
        gh.require_workflow("main", ".github/workflows/pr-gate.yml")
        assert wf_01(gh, tmp_path) == []
        assert ("GET", "/repos/acme-bank/credit-pd-retail/rulesets/77") in gh.requests


def test_a_required_workflow_administrators_may_bypass_is_denied(tmp_path: Path) -> None:
    with GitHubServer.running() as gh:
        gh.protect("main", checks=["unit-tests", "mrm-gate"])
        gh.require_workflow("main", bypass_actors=[ADMIN_ROLE])
        assert len(wf_01(gh, tmp_path)) == 1


def test_the_gate_check_required_from_the_gates_app_passes(tmp_path: Path) -> None:
    with GitHubServer.running() as gh:
        gh.add_ruleset("main", gate_check_rule(GATE_APP["id"]))
        assert wf_01(gh, tmp_path) == []


def test_a_ruleset_binding_the_gate_check_to_github_actions_is_denied(tmp_path: Path) -> None:
    with GitHubServer.running() as gh:
        gh.add_ruleset("main", gate_check_rule(ACTIONS_APP["id"]))
        assert len(wf_01(gh, tmp_path)) == 1


def test_an_unprotected_branch_is_denied(tmp_path: Path) -> None:
    with GitHubServer.running() as gh:
        assert len(wf_01(gh, tmp_path)) == 1


def test_a_required_workflow_on_the_second_page_of_rules_is_read(tmp_path: Path) -> None:
    # The server answers two rules a page (GitHub may give fewer than per_page asks for):
    # the gate follows the Link header, not the length of the page.
    with GitHubServer.running(page_size=2) as gh:
        gh.add_ruleset("main", gate_check_rule(ACTIONS_APP["id"]), {"type": "non_fast_forward"})
        gh.require_workflow("main")
        assert wf_01(gh, tmp_path) == []
        pages = [p for m, p in gh.requests if p.endswith("/rules/branches/main")]
        assert len(pages) == 2


def test_classic_protection_requiring_the_gate_check_from_the_gates_app_passes(
    tmp_path: Path,
) -> None:
    with GitHubServer.running() as gh:
        gh.protect("main", checks=["unit-tests", "mrm-gate"])
        checks = gh.__dict__["protections"]["main"]["required_status_checks"]["checks"]
        checks[1]["app_id"] = GATE_APP["id"]  # the organisation's gate App, not Actions
        assert wf_01(gh, tmp_path) == []
