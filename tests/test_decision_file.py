"""A decision read back from a file meets the same rules as OPA's answer (issue 15 row 21):
`mrm-gate report` never publishes a passing check for a decision that lists a reason to deny."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from github_server import HEAD, GitHubServer, actions_env, standard_pull, write_config

from gate.cli import cli

FAILED_CONTROL = {"id": "SR117-VAL-01", "status": "fail"}
GUIDANCE = {
    "selected": "SR 26-2",
    "applied": "SR 26-2",
    "in_force": "SR 26-2",
    "effective_from": "2026-04-17",
    "effective_until": "",
}
UNMET = {"role": "validator", "count": 1, "reason": "needed", "satisfied": False}


def written(**change: Any) -> dict[str, Any]:
    """A decision as `check --format json` writes it (an allowed one), then ``change``."""
    doc: dict[str, Any] = {
        "allow": True,
        "stage": "production",
        "violations": [],
        "warnings": [],
        "waived": [],
        "controls": [{"id": "SR117-VAL-01", "status": "pass"}],
        "required_approvals": [],
        "stale_approvals": [],
        "bundle_digest": "sha256:" + "0f" * 32,
        "policy_revision": "sha256:pol",
        "opa_version": "1.22.3",
        "decided_at": "2026-11-30T12:00:00Z",
        "engine": "local",
        "guidance": GUIDANCE,
        "head_commit": HEAD,
    }
    doc.update(change)
    return doc


def report(gh: GitHubServer, tmp: Path, doc: Any) -> tuple[int, str]:
    path = tmp / "decision.json"
    path.write_text(json.dumps(doc), "utf-8")
    result = CliRunner().invoke(
        cli,
        ["report", "--decision", str(path), "--config", str(write_config(tmp)),
         "--exit-with-decision"],
        env=actions_env(gh, tmp),
    )  # fmt: skip
    return result.exit_code, result.stdout + result.stderr


def test_consistent_allowed_decision_is_published(tmp_path: Path) -> None:
    with GitHubServer.running() as gh:
        standard_pull(gh)
        code, out = report(gh, tmp_path, written())
        [run] = gh.check_runs.values()
    assert code == 0, out
    assert run["conclusion"] == "success"


@pytest.mark.parametrize(
    "change",
    [
        {"controls": [FAILED_CONTROL]},
        {"required_approvals": [UNMET]},
        {"controls": [FAILED_CONTROL], "required_approvals": [UNMET]},
        {"violations": ["not an object"]},
        {"violations": [{"control_id": "X", "msg": "half a violation"}]},
        {"controls": []},
        {"stage": "anywhere"},
        {"engine": None},
        {"head_commit": "HEAD~1"},
        {"guidance": None},
        {"guidance": {"applied": "SR 26-2"}},
        {"guidance": {**GUIDANCE, "in_force": 26}},
        {"guidance": {**GUIDANCE, "effective_from": "17 Apr 2026"}},
        {"guidance": {**GUIDANCE, "effective_from": ""}},
        {"guidance": {**GUIDANCE, "extra": ""}},
    ],
)
def test_inconsistent_decision_is_refused_and_nothing_published(
    tmp_path: Path, change: dict[str, Any]
) -> None:
    with GitHubServer.running() as gh:
        standard_pull(gh)
        code, out = report(gh, tmp_path, written(**change))
        assert gh.check_runs == {}
    assert code == 2, out
    assert "decision.json" in out and "$." in out
    assert "Traceback" not in out


def test_record_refuses_an_inconsistent_decision_file(tmp_path: Path) -> None:
    from conftest import asset

    path = tmp_path / "decision.json"
    path.write_text(json.dumps(written(controls=[FAILED_CONTROL])), "utf-8")
    result = CliRunner().invoke(
        cli,
        ["record", "--bundle", str(asset("bundles", "credit-complete.json")),
         "--decision", str(path), "--ledger", str(tmp_path / "ledger.jsonl")],
    )  # fmt: skip
    assert result.exit_code == 2, result.output
    assert "it says allow" in result.stderr
    assert not (tmp_path / "ledger.jsonl").exists()
