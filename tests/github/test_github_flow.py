"""End to end against the local GitHub server and the real OPA: a push is denied at
production with instructions in the sticky comment, the approvers type exactly what it
says, the gate allows; a new push makes the approvals stale."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from github_server import (
    HEAD,
    PR,
    GitHubServer,
    actions_env,
    approvers_of,
    standard_pull,
    team_of,
)
from github_server import write_config as write_gate_config

from conftest import NOW, asset
from gate.cli import cli

BUNDLE = asset("bundles", "credit-complete.json")
MARKER = "<!-- mrm-gate:sticky:production -->"


def run(args: list[str], env: dict[str, str | None]) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, args, env=env)
    return result.exit_code, result.stdout, result.stderr


def gate(server: GitHubServer, tmp: Path, bundle: Path, sha: str) -> dict[str, Any]:
    """check --github then report, as the Action does."""
    env = actions_env(server, tmp, sha=sha)
    config = write_gate_config(tmp)
    decision_file = tmp / "decision.json"
    code, _, err = run(
        [
            "check",
            "--bundle",
            str(bundle),
            "--stage",
            "production",
            "--github",
            "--config",
            str(config),
            "--format",
            "json",
            "--output",
            str(decision_file),
            "--now",
            NOW,
        ],
        env,
    )
    assert code in (0, 1), err
    rcode, out, err = run(
        [
            "report",
            "--decision",
            str(decision_file),
            "--bundle",
            str(bundle),
            "--config",
            str(config),
        ],
        env,
    )
    assert rcode == 0, err
    decision: dict[str, Any] = json.loads(decision_file.read_text("utf-8"))
    assert code == (0 if decision["allow"] else 1)
    return decision


def sticky(server: GitHubServer) -> list[dict[str, Any]]:
    return [c for c in server.comments_of(PR) if MARKER in c["body"]]


def test_push_denied_then_approved_then_stale_after_new_push(tmp_path: Path) -> None:
    with GitHubServer.running() as gh:
        standard_pull(gh)

        # 1. The push: denied, and the sticky comment tells each approver what to type.
        first = gate(gh, tmp_path, BUNDLE, HEAD)
        assert first["allow"] is False
        missing = [r["role"] for r in first["required_approvals"] if not r["satisfied"]]
        assert "validator" in missing
        [comment] = sticky(gh)
        assert comment["login"] == "github-actions[bot]"
        instructions = re.findall(r"^```\n(/approve \S+ [0-9a-f]{64})\n```$", comment["body"], re.M)
        assert sorted(i.split()[1] for i in instructions) == sorted(missing)
        for role in missing:
            assert f"`{team_of(role)}`" in comment["body"]
        [run1] = gh.check_runs.values()
        assert (run1["name"], run1["conclusion"], run1["head_sha"]) == (
            "mrm-gate",
            "failure",
            HEAD,
        )

        # 2. Each approver types exactly the instruction.
        counts = {r["role"]: r["count"] for r in first["required_approvals"]}
        for line in instructions:
            for login in approvers_of(line.split()[1], counts[line.split()[1]]):
                gh.comment(PR, login, f"Reviewed the evidence.\n{line}")
        second = gate(gh, tmp_path, BUNDLE, HEAD)
        assert second["allow"] is True, second["required_approvals"]
        assert second["stale_approvals"] == []
        [updated] = sticky(gh)
        assert updated["id"] == comment["id"]
        assert "allowed" in updated["body"] and "How to approve" not in updated["body"]
        assert sorted(r["conclusion"] for r in gh.check_runs.values()) == ["failure", "success"]
        outputs = (tmp_path / "output.txt").read_text("utf-8")
        assert "decision=allowed\n" in outputs
        assert f"bundle-digest={second['bundle_digest']}\n" in outputs
        assert "mrm-gate: ✅ allowed" in (tmp_path / "summary.md").read_text("utf-8")

        # 3. A new push changes the evidence: the approvals are stale.
        new_sha = "d" * 40
        gh.push(PR, new_sha, "dana-dev")
        pushed = json.loads(BUNDLE.read_text("utf-8"))
        pushed["collected"]["git"]["commit"] = new_sha
        new_bundle = tmp_path / "bundle-after-push.json"
        new_bundle.write_text(json.dumps(pushed, indent=1), "utf-8")
        third = gate(gh, tmp_path, new_bundle, new_sha)
        assert third["allow"] is False
        stale = {(a["login"], a["role"]) for a in third["stale_approvals"]}
        assert ("vera-validator", "validator") in stale
        assert all("stale" in a["reason"] for a in third["stale_approvals"])
        [again] = sticky(gh)
        assert again["id"] == comment["id"]
        assert "Approvals that do not count" in again["body"]
        assert third["bundle_digest"].removeprefix("sha256:") in again["body"]
