"""Issue 15's GitHub rows, each through `mrm-gate check --github` (real CLI, real OPA, the
local GitHub server with GitHub's semantics): what got through before now ends denied or
fails closed, and a control in the same setup shows the genuine path still allows."""

from __future__ import annotations

import json
from pathlib import Path

from github_server import FIRST, HEAD, PR, GitHubServer
from test_github_attacks import (
    check,
    digest_hex,
    gh,
    others_approved,
    run_attack,
    signed,
    stale_reasons,
    validator,
)

__all__ = ["gh"]  # the fixture, shared with the attack tests

MERGE = "5d0c1e7a9b3f4e2d8c6a1b0f9e8d7c6b5a4f3e2d"


def _approved(server: GitHubServer, tmp_path: Path) -> None:
    """Every role approved by a genuine comment naming the current digest."""
    others_approved(server, tmp_path)
    server.comment(PR, "vera-validator", f"/approve validator {digest_hex()}")


def _dispatch(server: GitHubServer, tmp_path: Path, sha: str) -> tuple[int, dict, str]:
    """A workflow_dispatch run on ``sha``: no pull request in the payload."""
    return check(server, tmp_path, number=None, sha=sha, event_name="workflow_dispatch")


# ---- row 8: a deploy's commit must be the merge commit of a merged pull request


def test_control_deploy_of_the_merge_commit_counts_the_merged_pull_requests_approvals(
    gh: GitHubServer, tmp_path: Path
) -> None:
    _approved(gh, tmp_path)
    gh.merge(PR, MERGE)
    code, decision, err = _dispatch(gh, tmp_path, MERGE)
    assert code == 0, err
    assert validator(decision)["satisfied"] is True


def test_row8_deploy_of_a_closed_never_merged_pull_requests_head_is_denied(
    gh: GitHubServer, tmp_path: Path
) -> None:
    _approved(gh, tmp_path)
    gh.close(PR)
    code, decision, _ = _dispatch(gh, tmp_path, HEAD)
    assert code == 1 and decision["allow"] is False
    assert validator(decision)["satisfied"] is False
    assert decision["stale_approvals"] == []  # no pull request: nothing collected at all


def test_row8_a_pull_request_merged_into_another_branch_does_not_count(
    gh: GitHubServer, tmp_path: Path
) -> None:
    _approved(gh, tmp_path)
    gh.pulls[PR].base_ref = "release-candidate"
    gh.merge(PR, MERGE)
    code, decision, _ = _dispatch(gh, tmp_path, MERGE)
    assert code == 1 and validator(decision)["satisfied"] is False


# ---- row 1: co-authors never approve


def test_row1_co_author_of_a_commit_cannot_approve(gh: GitHubServer, tmp_path: Path) -> None:
    gh.pulls[PR].commits[-1]["message"] = (
        "Tune the cut-off\n\nCo-authored-by: Vera V <81234+vera-validator@users.noreply.github.com>"
    )
    gh.comment(PR, "vera-validator", f"/approve validator {digest_hex()}")
    decision = run_attack(gh, tmp_path)
    assert "not independent" in stale_reasons(decision, "vera-validator")


def test_row1_a_co_author_the_gate_cannot_link_makes_independence_unprovable(
    gh: GitHubServer, tmp_path: Path
) -> None:
    gh.pulls[PR].commits[-1]["message"] = "Apply suggestion\n\nCo-authored-by: X <x@elsewhere.test>"
    gh.comment(PR, "vera-validator", f"/approve validator {digest_hex()}")
    decision = run_attack(gh, tmp_path)
    assert "independence unprovable" in stale_reasons(decision, "vera-validator")


# ---- row 2: more than 250 commits fails closed


def test_row2_a_pull_request_of_more_than_250_commits_fails_closed(
    gh: GitHubServer, tmp_path: Path
) -> None:
    _approved(gh, tmp_path)
    for i in range(250):
        gh.push(PR, f"{i:040x}", "dana-dev")
    gh.push(PR, HEAD.replace("4", "7"), "vera-validator")  # commit 253: the approver's
    code, decision, err = check(gh, tmp_path, sha=HEAD.replace("4", "7"))
    assert code == 3 and decision == {}
    assert "253 commits but GitHub lists 250" in err
    assert "Traceback" not in err


# ---- row 6: a review binds to the digest its body names


def test_row6_a_review_naming_no_digest_does_not_count(gh: GitHubServer, tmp_path: Path) -> None:
    gh.review(PR, "vera-validator", body="Looks good to me.")
    decision = run_attack(gh, tmp_path)
    assert "stale" in stale_reasons(decision, "vera-validator")


def test_row6_a_review_of_other_evidence_at_the_same_commit_is_stale(
    gh: GitHubServer, tmp_path: Path
) -> None:
    gh.review(PR, "vera-validator", body="Reviewed sha256:" + "0123456789ab" * 5 + "0123")
    decision = run_attack(gh, tmp_path)
    assert "stale" in stale_reasons(decision, "vera-validator")


def test_row6_a_review_whose_body_was_edited_to_name_the_digest_is_stale(
    gh: GitHubServer, tmp_path: Path
) -> None:
    """An approving review of other evidence, its body later rewritten (by its author or
    anyone GitHub lets edit it) to name today's digest: REST shows only the new body."""
    given = gh.review(PR, "vera-validator", body="Reviewed sha256:" + "0123456789ab" * 5 + "0123")
    gh.edit_review(given["id"], signed())
    decision = run_attack(gh, tmp_path)
    assert "stale" in stale_reasons(decision, "vera-validator")


def test_control_an_unedited_review_naming_the_digest_counts(
    gh: GitHubServer, tmp_path: Path
) -> None:
    others_approved(gh, tmp_path)
    gh.review(PR, "vera-validator", body=signed())
    code, decision, err = check(gh, tmp_path)
    assert code == 0, err
    assert decision["allow"] is True


# ---- row 19: logins are case-insensitive


def test_row19_owner_approving_with_another_case_is_not_independent(
    gh: GitHubServer, tmp_path: Path
) -> None:
    gh.comment(PR, "Omar-Owner", f"/approve validator {digest_hex()}")
    decision = run_attack(gh, tmp_path)
    assert "not independent" in stale_reasons(decision, "omar-owner")


# ---- row 20: only what the rendered page shows is a command


def test_row20_hidden_approvals_do_not_count(gh: GitHubServer, tmp_path: Path) -> None:
    line = f"/approve validator {digest_hex()}"
    gh.comment(PR, "vera-validator", f"Still reviewing.\n<!--\n{line}\n-->")
    gh.comment(PR, "vera-validator", f"<details>\n<summary>notes</summary>\n\n{line}\n\n</details>")
    gh.comment(PR, "vera-validator", f"> Can you approve?\n{line}")
    gh.comment(PR, "vera-validator", f"Type `{line}` when ready")
    decision = run_attack(gh, tmp_path)
    assert stale_reasons(decision, "vera-validator") == ""  # none was a command at all


def test_control_review_with_the_digest_and_a_visible_comment_still_count(
    gh: GitHubServer, tmp_path: Path
) -> None:
    others_approved(gh, tmp_path)
    gh.review(PR, "victor-validator", commit_id=FIRST, body=signed())  # old commit: stale
    gh.comment(PR, "vera-validator", f"Checked the back-test.\n\n/approve validator {digest_hex()}")
    code, decision, err = check(gh, tmp_path)
    assert code == 0, err


# ---- GitHub crash paths and the token permission model: exit 3 with a message


def _fault(server: GitHubServer, tmp_path: Path) -> str:
    code, decision, err = check(server, tmp_path)
    assert code == 3 and decision == {}, err
    assert "Traceback" not in err and server.token not in err
    return err


def test_an_answer_of_garbage_or_truncated_json_is_a_platform_fault(
    gh: GitHubServer, tmp_path: Path
) -> None:
    gh.fail_raw("GET", rf"/pulls/{PR}$", 200, b"<html><body>Unicorn!</body></html>", times=1)
    assert "pull request #212" in _fault(gh, tmp_path)
    gh.fail_raw("GET", rf"/pulls/{PR}$", 200, b'{"number": 212, "head": {"sha": "4695', times=5)
    assert "cannot read while reading pull request #212" in _fault(gh, tmp_path)


def test_a_pull_request_without_head_is_a_platform_fault(gh: GitHubServer, tmp_path: Path) -> None:
    answer = gh.pull_json(gh.pulls[PR])
    del answer["head"]
    gh.fail_raw("GET", rf"/pulls/{PR}$", 200, json.dumps(answer).encode())
    assert "without a head commit" in _fault(gh, tmp_path)


def test_a_redirect_is_never_an_answer(gh: GitHubServer, tmp_path: Path) -> None:
    gh.fail_raw("GET", rf"/pulls/{PR}$", 301, b"", headers={"Location": f"{gh.url}/moved"})
    assert "GitHub API error while reading pull request #212" in _fault(gh, tmp_path)


def test_the_workflow_token_cannot_read_team_membership_and_says_what_to_grant(
    gh: GitHubServer, tmp_path: Path
) -> None:
    gh.comment(PR, "vera-validator", f"/approve validator {digest_hex()}")
    code, decision, err = check(gh, tmp_path, token=gh.workflow_token)
    assert code == 3 and decision == {}
    assert "HTTP 403 (Resource not accessible by integration)" in err
    assert "Members: read" in err and "Traceback" not in err


# ---- row 9: an edited comment never approves, even within the second it was posted


def test_row9_a_comment_rewritten_within_its_second_does_not_count(
    gh: GitHubServer, tmp_path: Path
) -> None:
    posted = gh.comment(PR, "vera-validator", "Not yet: see my notes.")
    gh.edit_comment(posted["id"], f"/approve validator {digest_hex()}", same_second=True)
    assert gh.comment_json(gh.pulls[PR], posted)["updated_at"] == posted["created_at"]
    run_attack(gh, tmp_path)


def test_row9_an_edit_history_the_gate_cannot_read_fails_closed(
    gh: GitHubServer, tmp_path: Path
) -> None:
    gh.comment(PR, "vera-validator", f"/approve validator {digest_hex()}")
    gh.fail_raw("POST", r"^/graphql$", 200, b'{"data": {"nodes": []}}')
    err = _fault(gh, tmp_path)
    assert "edit history of the approving comments" in err


# ---- row 18: /approve names the whole digest, and the gate prints the whole command


def test_row18_an_approval_naming_only_a_prefix_of_the_digest_does_not_count(
    gh: GitHubServer, tmp_path: Path
) -> None:
    gh.comment(PR, "vera-validator", f"/approve validator {digest_hex()[:12]}")
    gh.comment(PR, "victor-validator", f"/approve validator sha256:{digest_hex()[:63]}")
    gh.review(PR, "vera-validator", body=f"Reviewed sha256:{digest_hex()[:40]}")
    run_attack(gh, tmp_path)


def test_row18_the_report_prints_the_whole_command_to_copy(
    gh: GitHubServer, tmp_path: Path
) -> None:
    from gate.decision import Decision
    from gate.report.markdown import to_markdown

    _, decision, _ = check(gh, tmp_path)
    text = to_markdown(Decision.from_json(decision))
    assert f"/approve validator {digest_hex()}" in text
