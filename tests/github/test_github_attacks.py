"""Attacks on the approval rules, each through `mrm-gate check --github` with the real OPA
against the local GitHub server; each ends denied. `test_control_*` prove the same setup
allows a genuine approval, so each denial is the work of the defence named."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from github_server import (
    FIRST,
    HEAD,
    PR,
    GitHubServer,
    actions_env,
    approvers_of,
    standard_pull,
    team_of,
    write_config,
)

from conftest import NOW, asset
from gate.cli import cli
from gate.evidence import bundle_digest, load_bundle

BUNDLE = asset("bundles", "credit-complete.json")


@pytest.fixture
def gh() -> Iterator[GitHubServer]:
    with GitHubServer.running() as server:
        standard_pull(server)
        yield server


def digest_hex() -> str:
    return bundle_digest(load_bundle(BUNDLE)).removeprefix("sha256:")


def check(
    server: GitHubServer, tmp_path: Path, bundle: Path = BUNDLE, **env_kwargs: Any
) -> tuple[int, dict[str, Any], str]:
    config = write_config(tmp_path)
    env = actions_env(server, tmp_path, **env_kwargs)
    result = CliRunner().invoke(
        cli,
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
            "--now",
            NOW,
        ],
        env=env,
    )
    decision = json.loads(result.stdout) if result.stdout.startswith("{") else {}
    return result.exit_code, decision, result.stderr


def signed() -> str:
    """A review body naming the digest it approves: what binds a review to the evidence."""
    return f"Validation report reviewed.\n\nsha256:{digest_hex()}"


def approve_all_but_validator(server: GitHubServer, decision: dict[str, Any]) -> None:
    """Other roles the policy may require get genuine approvals, so only the validator
    attack decides the outcome."""
    for req in decision.get("required_approvals", []):
        if req["role"] != "validator":
            for login in approvers_of(req["role"], req["count"]):
                server.comment(PR, login, f"/approve {req['role']} {digest_hex()}")


def validator(decision: dict[str, Any]) -> dict[str, Any]:
    return next(r for r in decision["required_approvals"] if r["role"] == "validator")


def stale_reasons(decision: dict[str, Any], login: str) -> str:
    return " ".join(a["reason"] for a in decision["stale_approvals"] if a["login"] == login)


def others_approved(gh: GitHubServer, tmp_path: Path) -> None:
    """Every role the first check names, but the validator, genuinely approved."""
    _, first, _ = check(gh, tmp_path)
    approve_all_but_validator(gh, first)


def run_attack(gh: GitHubServer, tmp_path: Path) -> dict[str, Any]:
    """The attack set up so far, with every other role approved: denied, the validator's
    approval not satisfied. Returns the decision."""
    others_approved(gh, tmp_path)
    code, decision, err = check(gh, tmp_path)
    assert code == 1, err
    assert decision["allow"] is False
    assert validator(decision)["satisfied"] is False
    return decision


def test_control_genuine_comment_approval_allows(gh: GitHubServer, tmp_path: Path) -> None:
    others_approved(gh, tmp_path)
    gh.comment(PR, "vera-validator", f"Checked.\n\n/approve validator {digest_hex()}\n")
    code, decision, err = check(gh, tmp_path)
    assert code == 0, err
    assert validator(decision)["satisfied_by"] == ["vera-validator"]


def test_control_genuine_review_approval_allows(gh: GitHubServer, tmp_path: Path) -> None:
    others_approved(gh, tmp_path)
    gh.review(PR, "vera-validator", body=signed())
    code, decision, err = check(gh, tmp_path)
    assert code == 0, err


def test_fail_self_approval_by_pr_author(gh: GitHubServer, tmp_path: Path) -> None:
    gh.comment(PR, "dana-dev", f"/approve validator {digest_hex()}")
    gh.review(PR, "dana-dev", body=signed())
    decision = run_attack(gh, tmp_path)
    assert "not independent" in stale_reasons(decision, "dana-dev")


def test_fail_approval_by_commit_co_author(gh: GitHubServer, tmp_path: Path) -> None:
    gh.comment(PR, "lee-dev", f"/approve validator {digest_hex()}")
    decision = run_attack(gh, tmp_path)
    assert "not independent" in stale_reasons(decision, "lee-dev")


def test_fail_approval_by_committer(gh: GitHubServer, tmp_path: Path) -> None:
    gh.review(PR, "carl-committer", body=signed())
    decision = run_attack(gh, tmp_path)
    assert "not independent" in stale_reasons(decision, "carl-committer")


def test_fail_approval_by_bundle_owner(gh: GitHubServer, tmp_path: Path) -> None:
    gh.comment(PR, "omar-owner", f"/approve validator {digest_hex()}")
    decision = run_attack(gh, tmp_path)
    assert "not independent" in stale_reasons(decision, "omar-owner")


def test_fail_approval_by_non_member(gh: GitHubServer, tmp_path: Path) -> None:
    gh.comment(PR, "nick-nonmember", f"/approve validator {digest_hex()}")
    decision = run_attack(gh, tmp_path)
    assert "not verified" in stale_reasons(decision, "nick-nonmember")


def test_fail_approval_by_pending_member(gh: GitHubServer, tmp_path: Path) -> None:
    gh.add_member(team_of("validator"), "pat-pending", state="pending")
    gh.comment(PR, "pat-pending", f"/approve validator {digest_hex()}")
    decision = run_attack(gh, tmp_path)
    assert "not verified" in stale_reasons(decision, "pat-pending")


def test_fail_approval_by_bot(gh: GitHubServer, tmp_path: Path) -> None:
    gh.comment(PR, "mrm-helper[bot]", f"/approve validator {digest_hex()}")
    gh.review(PR, "mrm-helper[bot]", body=signed())
    decision = run_attack(gh, tmp_path)
    assert not [a for a in decision["stale_approvals"] if a["login"] == "mrm-helper[bot]"]


def test_fail_edited_comment(gh: GitHubServer, tmp_path: Path) -> None:
    gh.comment(PR, "vera-validator", f"/approve validator {digest_hex()}", edited=True)
    run_attack(gh, tmp_path)


def test_fail_review_before_new_push(gh: GitHubServer, tmp_path: Path) -> None:
    gh.review(PR, "vera-validator", commit_id=FIRST, body=signed())
    decision = run_attack(gh, tmp_path)
    assert "stale" in stale_reasons(decision, "vera-validator")


def test_fail_comment_for_bundle_before_new_push(gh: GitHubServer, tmp_path: Path) -> None:
    old = json.loads(BUNDLE.read_text("utf-8"))
    old["collected"]["git"]["commit"] = FIRST
    old_path = tmp_path / "old.json"
    old_path.write_text(json.dumps(old), "utf-8")
    old_hex = bundle_digest(load_bundle(old_path)).removeprefix("sha256:")
    gh.comment(PR, "vera-validator", f"/approve validator {old_hex}")
    decision = run_attack(gh, tmp_path)
    assert "stale" in stale_reasons(decision, "vera-validator")


def test_fail_approval_for_another_digest(gh: GitHubServer, tmp_path: Path) -> None:
    gh.comment(PR, "vera-validator", "/approve validator " + "0123456789abcdef" * 4)
    decision = run_attack(gh, tmp_path)
    assert "stale" in stale_reasons(decision, "vera-validator")


def test_fail_short_digest_prefix(gh: GitHubServer, tmp_path: Path) -> None:
    gh.comment(PR, "vera-validator", f"/approve validator {digest_hex()[:11]}")
    run_attack(gh, tmp_path)


def test_fail_approve_inside_quoted_reply(gh: GitHubServer, tmp_path: Path) -> None:
    gh.comment(
        PR, "vera-validator", f"> /approve validator {digest_hex()}\n\nNot yet: see my notes."
    )
    run_attack(gh, tmp_path)


def test_fail_approve_inside_code_block(gh: GitHubServer, tmp_path: Path) -> None:
    gh.comment(
        PR,
        "vera-validator",
        f"When ready, type:\n\n```\n/approve validator {digest_hex()}\n```\n",
    )
    gh.comment(PR, "vera-validator", f"or indented:\n\n    /approve validator {digest_hex()}\n")
    run_attack(gh, tmp_path)


def test_fail_review_cancelled_by_changes_requested(gh: GitHubServer, tmp_path: Path) -> None:
    gh.review(PR, "vera-validator", body=signed())
    gh.review(PR, "vera-validator", state="CHANGES_REQUESTED", body=signed())
    run_attack(gh, tmp_path)


def test_fail_dismissed_review(gh: GitHubServer, tmp_path: Path) -> None:
    review = gh.review(PR, "vera-validator", body=signed())
    gh.dismiss(PR, review["id"])
    run_attack(gh, tmp_path)


def test_fail_revoked_approval(gh: GitHubServer, tmp_path: Path) -> None:
    gh.comment(PR, "vera-validator", f"/approve validator {digest_hex()}")
    gh.review(PR, "vera-validator", body=signed())
    gh.comment(PR, "vera-validator", "/revoke validator")
    run_attack(gh, tmp_path)


def test_fail_commit_without_login_makes_independence_unprovable(
    gh: GitHubServer, tmp_path: Path
) -> None:
    gh.push(PR, "c" * 40, "", "")
    gh.comment(PR, "vera-validator", f"/approve validator {digest_hex()}")
    decision = run_attack(gh, tmp_path)
    assert "independence unprovable" in stale_reasons(decision, "vera-validator")


def test_fail_approval_forged_in_bundle_file(gh: GitHubServer, tmp_path: Path) -> None:
    forged = json.loads(BUNDLE.read_text("utf-8"))
    forged["approvals"] = [
        {
            "role": "validator",
            "login": "vera-validator",
            "via": "comment",
            "verified": True,
            "bundle_digest": "sha256:" + digest_hex(),
            "commit_sha": HEAD,
        }
    ]
    path = tmp_path / "forged.json"
    path.write_text(json.dumps(forged), "utf-8")
    code, _, err = check(gh, tmp_path, bundle=path)
    assert code == 2
    assert "approvals" in err
