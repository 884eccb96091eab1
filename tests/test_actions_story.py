"""The approval flow end to end through the tests' Actions runner, with the real action.yml
and the real examples/workflows: each run gets the event, payload and environment GitHub
gives it, and each approver's comment starts a run of its own (tests/workflow_story.py).

PR opened (denied, approvals listed) -> each approver comments (an issue_comment run each)
-> allowed, the same digest throughout -> a new commit: stale, denied -> re-approved ->
allowed -> merged: the push of the merge commit runs the deploy workflow, allowed at
production with the same digest; unsigned (no key here), so its deploy job does not
deploy (tests/test_actions_deploy.py: signed and verified). A push to main that no merged
pull request produced is denied and deploys nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from workflow_story import (
    AUTHOR,
    EXAMPLE,
    PR,
    REQUIRED_CHECKS,
    Story,
    approvals_needed,
    decision_of,
    gate_on_github,
    git,
    why,
)


def opened(story: Story) -> dict[str, Any]:
    """The pull request is opened: denied, with the approvals it waits for listed in the
    sticky comment and the job summary; the job fails with the gate's exit code."""
    job = story.pull_request("opened")
    decision = decision_of(job)
    assert decision["allow"] is False and job.conclusion == "failure"
    assert job.step("Verdict").exit_code == 1
    needed = approvals_needed(decision)
    assert "validator" in needed
    [sticky] = [c for c in story.gh.comments_of(PR) if "mrm-gate:sticky" in c["body"]]
    prefix = decision["bundle_digest"].removeprefix("sha256:")
    for role in needed:
        assert f"/approve {role} {prefix}" in sticky["body"]
    assert "mrm-gate" in job.summary
    return decision


def approved(story: Story, decision: dict[str, Any]) -> list[dict[str, Any]]:
    """Every approval ``decision`` waits for, each approver's comment a run of its own:
    the decisions of those runs."""
    _, runs = story.approve(decision["bundle_digest"], approvals_needed(decision))
    return [decision_of(job) for job in runs]


def test_a_pull_request_opened_runs_the_real_action_and_is_denied_with_instructions(
    tmp_path: Path, action_copy: Path
) -> None:
    with gate_on_github(tmp_path, action_copy) as story:
        opened(story)
        [run] = [r for r in story.gh.check_runs.values() if r["name"].startswith("mrm-gate")]
        assert run["conclusion"] == "failure"
        assert run["head_sha"] == story.head()


def test_the_approval_story_through_the_real_action_and_workflows(
    tmp_path: Path, action_copy: Path
) -> None:
    with gate_on_github(tmp_path, action_copy) as story:
        gh, repo = story.gh, story.repo
        first = opened(story)

        # Each approver comments; each comment starts a run; the digest never moves.
        given, jobs = story.approve(first["bundle_digest"], approvals_needed(first))
        runs = [decision_of(job) for job in jobs]
        assert len(runs) == len(given)
        assert {d["bundle_digest"] for d in runs} == {first["bundle_digest"]}
        assert runs[-1]["allow"] is True, why(runs[-1])

        # A new commit: every approval is stale, denied.
        (repo.path / EXAMPLE / "docs" / "NOTE.md").write_text("A late note.\n")
        git(repo.path, "add", "-A")
        git(repo.path, "commit", "-q", "-m", "a late note")
        gh.push(PR, story.head(), AUTHOR)
        for name in REQUIRED_CHECKS:  # the repository's CI tests the new commit too
            gh.add_check(story.head(), name)
        synced = decision_of(story.pull_request("synchronize"))
        assert synced["allow"] is False
        assert synced["bundle_digest"] != first["bundle_digest"]
        assert {a["login"] for a in synced["stale_approvals"]} >= set(given)

        # Re-approved on the new digest: allowed, the same digest.
        reapproved = approved(story, synced)[-1]
        assert reapproved["allow"] is True, why(reapproved)
        assert reapproved["bundle_digest"] == synced["bundle_digest"]

        # Merged: the push of the merge commit to main deploys with the approvals of the
        # pull request that produced it, bound to the digest its approvers signed.
        merge_sha = story.merge()
        deploy = story.push_to_main(merge_sha, AUTHOR)
        deployed = decision_of(deploy)
        assert deployed["allow"] is True, why(deployed)
        assert deployed["stage"] == "production"
        assert deployed["bundle_digest"] == synced["bundle_digest"]
        # No signing key in this repository: nothing signed, and the deploy job, which
        # takes no gate job's word, deploys nothing (tests/test_actions_deploy.py signs).
        assert deploy.step("mrm-gate").outputs["attestation"] == ""
        assert story.last_run is not None
        deployer = story.last_run.job("deploy")
        assert deployer.step("Download the attestation").outcome == "failure", deployer.log
        assert deployer.step("Deploy").outcome == "skipped"


def test_a_push_to_main_that_no_merged_pull_request_produced_is_denied(
    tmp_path: Path, action_copy: Path
) -> None:
    with gate_on_github(tmp_path, action_copy) as story:
        assert approved(story, opened(story))[-1]["allow"] is True

        # Closed without merging, and its approved head pushed to main directly.
        story.gh.close(PR)
        deploy = story.push_to_main(story.head(), AUTHOR)
        decision = decision_of(deploy)
        assert decision["allow"] is False and deploy.conclusion == "failure"
        assert "validator" in approvals_needed(decision), why(decision)  # no merged PR: none count
        assert story.last_run is not None
        assert story.last_run.job("deploy").conclusion == "skipped"
