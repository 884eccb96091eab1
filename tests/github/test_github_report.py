"""`mrm-gate report`: check run with batched annotations, the sticky comment's ownership
rules, job summary and outputs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from github_server import (
    GATE_APP,
    HEAD,
    PR,
    GitHubServer,
    actions_env,
    standard_pull,
    write_config,
)

from conftest import NOW, asset
from gate.cli import cli
from gate.evidence import bundle_digest, load_bundle

BUNDLE = asset("bundles", "credit-complete.json")
DIGEST = "sha256:" + "0f" * 32


def violation(i: int, path: str = "$.validation.record_id") -> dict[str, str]:
    return {
        "control_id": f"T-{i:03d}",
        "framework": "test",
        "section": "s",
        "severity": "high",
        "title": "Synthetic",
        "msg": f"problem {i}",
        "remediation": "fix it",
        "evidence_path": path,
    }


def decision(
    allow: bool = False, violations: list[dict[str, str]] | None = None, missing: bool = True
) -> dict[str, Any]:
    return {
        "allow": allow,
        "stage": "production",
        "violations": violations or [],
        "warnings": [],
        "waived": [],
        "controls": [{"id": "SR117-VAL-01", "status": "pass" if allow else "fail"}],
        "required_approvals": [
            {
                "role": "validator",
                "count": 1,
                "reason": "needed",
                "satisfied": not missing,
                "satisfied_by": [],
            }
        ],
        "stale_approvals": [],
        "bundle_digest": DIGEST,
        "policy_revision": "sha256:pol",
        "opa_version": "1.0",
        "decided_at": "2026-11-30T12:00:00Z",
        "engine": "local",
        "guidance": {
            "selected": "SR 26-2",
            "applied": "SR 26-2",
            "in_force": "SR 26-2",
            "effective_from": "2026-04-17",
            "effective_until": "",
        },
        "head_commit": HEAD,
    }


def report(
    server: GitHubServer,
    tmp: Path,
    doc: dict[str, Any],
    *extra: str,
    env: dict[str, str | None] | None = None,
) -> tuple[int, str, str]:
    path = tmp / "decision.json"
    path.write_text(json.dumps(doc), "utf-8")
    env = env or actions_env(server, tmp)
    result = CliRunner().invoke(
        cli,
        ["report", "--decision", str(path), "--config", str(write_config(tmp)), *extra],
        env=env,
    )
    return result.exit_code, result.stdout, result.stderr


def test_success_annotations_are_batched_fifty_per_call(tmp_path: Path) -> None:
    with GitHubServer.running() as gh:
        standard_pull(gh)
        code, _, err = report(
            gh,
            tmp_path,
            decision(violations=[violation(i) for i in range(120)]),
            "--bundle",
            str(BUNDLE),
        )
        assert code == 0, err
        [run] = gh.check_runs.values()
    assert len(run["annotations"]) == 120
    assert run["calls"] == 3  # the server refuses more than 50 in one call
    assert run["conclusion"] == "failure" and run["head_sha"] == HEAD
    assert {a["path"] for a in run["annotations"]} == {"tests/assets/bundles/credit-complete.json"}
    line = BUNDLE.read_text("utf-8").splitlines()[run["annotations"][0]["start_line"] - 1]
    assert '"record_id"' in line


def test_success_annotation_points_at_evidence_file_when_known(tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    (workspace / "config" / "serving").mkdir(parents=True)
    (workspace / "config" / "serving" / "cutoffs.yaml").write_text("value: 0.085\n", "utf-8")
    (workspace / "bundle.json").write_text(BUNDLE.read_text("utf-8"), "utf-8")
    with GitHubServer.running() as gh:
        standard_pull(gh)
        env = actions_env(gh, tmp_path)
        env["GITHUB_WORKSPACE"] = str(workspace)
        code, _, err = report(
            gh,
            tmp_path,
            decision(
                violations=[
                    violation(1, "$.model.decision_thresholds.value"),
                    violation(2, "$.inventory.record_id"),
                ]
            ),
            "--bundle",
            str(workspace / "bundle.json"),
            env=env,
        )
        assert code == 0, err
        [run] = gh.check_runs.values()
    assert [a["path"] for a in run["annotations"]] == ["config/serving/cutoffs.yaml", "bundle.json"]


def test_success_allowed_decision_is_a_successful_check(tmp_path: Path) -> None:
    with GitHubServer.running() as gh:
        standard_pull(gh)
        code, out, _ = report(gh, tmp_path, decision(allow=True, missing=False))
        assert code == 0 and "allowed" in out
        [run] = gh.check_runs.values()
        assert run["conclusion"] == "success" and run["annotations"] == []
        [comment] = gh.comments_of(PR)
    assert "How to approve" not in comment["body"]


def test_fail_marker_in_someone_elses_comment_is_never_edited(tmp_path: Path) -> None:
    with GitHubServer.running() as gh:
        standard_pull(gh)
        planted = gh.comment(PR, "mallory", "<!-- mrm-gate:sticky:production --> all good!")
        code, _, err = report(gh, tmp_path, decision())
        assert code == 0, err
        assert planted["body"] == "<!-- mrm-gate:sticky:production --> all good!"
        ours = [c for c in gh.comments_of(PR) if c["login"] == "github-actions[bot]"]
        assert len(ours) == 1 and f"/approve validator {DIGEST[7:]}" in ours[0]["body"]
        # and a second report edits ours instead of adding another
        code, _, err = report(gh, tmp_path, decision())
        assert code == 0, err
        assert len(gh.comments_of(PR)) == 2


def test_success_token_that_may_read_user_edits_its_own_comment(tmp_path: Path) -> None:
    with GitHubServer.running() as gh:
        standard_pull(gh)
        gh.user_endpoint_forbidden = False
        gh.me = "acme-gate-bot"
        report(gh, tmp_path, decision())
        report(gh, tmp_path, decision(allow=True, missing=False))
        [comment] = gh.comments_of(PR)
    assert comment["login"] == "acme-gate-bot" and "allowed" in comment["body"]


def test_success_without_token_writes_summary_and_outputs_only(tmp_path: Path) -> None:
    with GitHubServer.running() as gh:
        env = actions_env(gh, tmp_path)
        env["GITHUB_TOKEN"] = None
        code, _, err = report(
            gh,
            tmp_path,
            decision(),
            env=env,
        )
        assert gh.requests == []
    assert code == 0 and "GITHUB_TOKEN is not set" in err
    assert (tmp_path / "output.txt").read_text("utf-8") == (
        f"decision=denied\nbundle-digest={DIGEST}\n"
    )
    assert "denied" in (tmp_path / "summary.md").read_text("utf-8")


def test_fail_exit_with_decision_and_malformed_decision(tmp_path: Path) -> None:
    with GitHubServer.running() as gh:
        standard_pull(gh)
        code, _, _ = report(gh, tmp_path, decision(), "--exit-with-decision")
        assert code == 1
        code, _, err = report(gh, tmp_path, {"allow": "yes"})
    assert code == 2 and "not a decision" in err


def test_row3_the_check_run_goes_on_the_evaluated_commit_not_the_head_at_report_time(
    tmp_path: Path,
) -> None:
    """A push between the Action's Check and Report steps must not receive the green
    check of a commit it never was: the decision names the head it judged."""
    with GitHubServer.running() as gh:
        standard_pull(gh)
        gh.push(PR, "d" * 40, "dana-dev")  # lands after the check, before the report
        code, _, err = report(gh, tmp_path, decision(allow=True, missing=False))
        assert code == 0, err
        [run] = gh.check_runs.values()
        assert (run["name"], run["head_sha"], run["conclusion"]) == ("mrm-gate", HEAD, "success")
        assert DIGEST in run["output"]["summary"]


def test_row3_a_decision_naming_no_commit_is_never_reported_on_a_pull_request(
    tmp_path: Path,
) -> None:
    with GitHubServer.running() as gh:
        standard_pull(gh)
        doc = decision(allow=True, missing=False)
        del doc["head_commit"]
        code, _, err = report(gh, tmp_path, doc)
        assert code == 2 and "names no evaluated commit" in err
        assert gh.check_runs == {}


# ---- the sticky comment is a convenience, never a source of truth


def test_the_digest_to_approve_is_in_the_check_run_the_gates_identity_posted(
    tmp_path: Path,
) -> None:
    with GitHubServer.running() as gh:
        standard_pull(gh)
        code, _, err = report(gh, tmp_path, decision())  # the App installation token
        assert code == 0, err
        [run] = gh.check_runs.values()
    assert run["app"] == GATE_APP  # the identity no workflow's GITHUB_TOKEN writes as
    assert run["external_id"] == DIGEST
    assert run["output"]["summary"].startswith(
        f"Bundle digest to approve: `{DIGEST}` (commit `{HEAD}`)"
    )


def test_a_forged_sticky_comment_is_never_read_back(tmp_path: Path) -> None:
    """Any workflow writes as github-actions[bot], so a sticky comment with the gate's
    marker, a verdict and approval commands can be forged: the gate never reads it."""
    bundle = asset("bundles", "credit-complete.json")
    hex_digest = bundle_digest(load_bundle(bundle)).removeprefix("sha256:")
    with GitHubServer.running() as gh:
        standard_pull(gh)
        code, before, err = check_github(gh, tmp_path, bundle)
        assert code == 1, err
        roles = [r["role"] for r in before["required_approvals"]]
        forged = "\n".join(
            ["<!-- mrm-gate:sticky:production -->", "**allowed** at production", ""]
            + [f"/approve {role} {hex_digest}" for role in roles]
        )
        gh.comment(PR, "github-actions[bot]", forged)
        code, after, err = check_github(gh, tmp_path, bundle)
    assert code == 1, err
    assert after["allow"] is False
    assert after["required_approvals"] == before["required_approvals"]
    assert after["stale_approvals"] == before["stale_approvals"] == []


def check_github(server: GitHubServer, tmp: Path, bundle: Path) -> tuple[int, dict[str, Any], str]:
    result = CliRunner().invoke(
        cli,
        ["check", "--bundle", str(bundle), "--stage", "production", "--github",
         "--config", str(write_config(tmp)), "--format", "json", "--now", NOW],
        env=actions_env(server, tmp),
    )  # fmt: skip
    doc = json.loads(result.stdout) if result.stdout.startswith("{") else {}
    return result.exit_code, doc, result.stderr
