"""The cases a repository meets besides the approval story, each through the tests' Actions
runner with the real action.yml and examples/workflows/pr-gate.yml (nothing skipped or
replaced): a pull request from a fork, a membership token that may not read team
membership, and a branch protected by rulesets only.

Each run gets the token and secrets GitHub gives it: the workflow GITHUB_TOKEN (no
Administration, no organisation Members), the repository's MRM_GATE_MEMBERSHIP_TOKEN
secret, and for a fork's pull request a read-only token and no secrets
(../shared/github-samples/events/PERMISSIONS.md, 5).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from workflow_story import (
    AUTHOR,
    BRANCH,
    NAME,
    OWNER,
    PR,
    REQUIRED_CHECKS,
    JobRun,
    Story,
    approvals_needed,
    approve_by_comments,
    comment_event,
    decision_of,
    gate_on_github,
    git,
    pull_request_event,
    why,
)

FORK = "fran-fork/credit-scorecard"
# GitHub's repository role id of "admin" in a ruleset's bypass list.
ADMIN_ROLE = {"actor_id": 5, "actor_type": "RepositoryRole", "bypass_mode": "always"}


def opened(story: Story) -> tuple[JobRun, dict[str, Any]]:
    job = story.pull_request("opened")
    return job, decision_of(job)


def violated(decision: dict[str, Any]) -> list[tuple[str, str]]:
    return sorted((v["control_id"], v["evidence_path"]) for v in decision["violations"])


# ---- 1. a pull request from a fork


def fork_event(story: Story, sender: str) -> dict[str, Any]:
    """GitHub's pull_request payload for a fork: the head repository is the fork's."""
    payload = pull_request_event("opened", story.head(), sender)
    payload["pull_request"]["user"] = {"login": sender}
    payload["pull_request"]["head"]["label"] = f"{sender}:{BRANCH}"
    payload["pull_request"]["head"]["repo"] = {
        "name": NAME,
        "full_name": FORK,
        "owner": {"login": sender},
        "fork": True,
        "default_branch": "main",
    }
    return payload


def test_a_pull_request_from_a_fork_says_what_it_cannot_read_and_never_allows(
    tmp_path: Path, action_copy: Path
) -> None:
    with gate_on_github(tmp_path, action_copy, author="fran-fork", classic=None) as story:
        story.gh.pulls[PR].fork = FORK
        story.repo.update_pull_refs(PR, story.head(), "main")
        job = story.run("pr-gate.yml", "pull_request", fork_event(story, "fran-fork"))
        collect = job.step("Collect evidence")
        assert job.conclusion == "failure"
        assert collect.exit_code == 3, job.log
        # What it could not read, why, and what to do.
        assert "while reading the branch protection of 'main': HTTP 403" in collect.log
        assert f"pull request from the fork {FORK}" in collect.log
        assert "read-only GITHUB_TOKEN and no secrets" in collect.log
        assert "Administration: read" in collect.log
        assert f"Push the commits to a branch of {OWNER}/{NAME}" in collect.log
        # No decision at all: nothing checked, reported or allowed.
        assert job.step("check").outcome == "skipped"
        assert job.step("Verdict").outcome == "skipped"
        assert job.step("mrm-gate").outputs["decision"] == ""
        assert "allowed" not in job.log.lower() and "Traceback" not in job.log
        assert not [r for r in story.gh.check_runs.values() if r["name"] == "mrm-gate"]
        assert story.gh.comments_of(PR) == []


def test_a_comment_on_a_fork_pull_request_stops_before_the_forks_code_runs(
    tmp_path: Path, action_copy: Path
) -> None:
    # An issue_comment run is in the repository's context whoever opened the pull request:
    # its secrets, its cache. The reproduce job holds no secret, but it would run the fork's
    # training on the repository's runner; it reads the pull request first and stops.
    with gate_on_github(tmp_path, action_copy, author="fran-fork", classic=None) as story:
        story.gh.pulls[PR].fork = FORK
        story.repo.update_pull_refs(PR, story.head(), "main")
        config = story.repo.path / ".mrm-gate.yml"
        given = approve_by_comments(story.gh, config, "0" * 64, ["validator"])
        [comment] = [c for c in story.gh.comments_of(PR) if c["login"] in given]
        story.runner.clock = max(story.now, story.gh.tick())
        workflow = ".github/workflows/pr-gate.yml"
        run = story.runner.run(workflow, "issue_comment", comment_event(comment))
        assert run is not None
        reproduce, gate = run.job("reproduce"), run.job("gate")
        step = reproduce.step("reproduce")
        assert step.exit_code == 3 and reproduce.conclusion == "failure", reproduce.log
        assert f"pull request #{PR} comes from the fork {FORK}" in step.log
        assert f"push the commits to a branch of {OWNER}/{NAME}" in step.log
        assert reproduce.token == story.gh.fork_token  # the read-only token
        # The fork's training never ran: no result, no gate job, no check, no decision.
        assert "artefact identical" not in step.log and "Traceback" not in reproduce.log
        assert not (Path(reproduce.env["RUNNER_TEMP"]) / "mrm-gate-reproduction").exists()
        assert gate.conclusion == "skipped" and gate.steps == []
        assert "allowed" not in reproduce.log.lower()
        assert not [r for r in story.gh.check_runs.values() if r["name"] == "mrm-gate"]


# ---- 2. a membership token that may not read team membership


def test_a_membership_token_without_members_read_exits_3_naming_the_permission(
    tmp_path: Path, action_copy: Path
) -> None:
    with gate_on_github(tmp_path, action_copy, membership="no_members_token") as story:
        # The token reads the branch protection: the opened run decides (denied, waiting
        # for approvals, none given yet so no membership is asked).
        first_job, first = opened(story)
        assert first["allow"] is False and first_job.step("Verdict").exit_code == 1
        _, [job] = story.approve(first["bundle_digest"], ["validator"])
        check = job.step("check")
        assert check.outputs["exit-code"] == "3", job.log
        assert job.step("Verdict").exit_code == 3 and job.conclusion == "failure"
        assert "membership of example-bank/" in check.log and "HTTP 403" in check.log
        assert "lacks the organisation permission Members: read" in check.log
        assert "membership-token" in check.log
        assert "not a member" not in job.log and "allowed" not in job.log.lower()
        assert "Traceback" not in job.log


# ---- 3. a branch protected by rulesets only


def test_a_branch_protected_by_a_ruleset_only_is_read_and_the_story_allows(
    tmp_path: Path, action_copy: Path
) -> None:
    with gate_on_github(tmp_path, action_copy, classic=None) as story:
        job, first = opened(story)
        assert ("GET", f"/repos/{OWNER}/{NAME}/rules/branches/main") in story.gh.requests
        # The classic endpoint says "Branch not protected"; the ruleset protects it.
        protection = [p for _, p in violated(first) if "branch_protection" in p]
        assert protection == [], why(first)
        _, [*_, last] = story.approve(first["bundle_digest"], approvals_needed(first))
        decision = decision_of(last)
        assert decision["allow"] is True, why(decision)
        assert last.step("mrm-gate").outputs["decision"] == "allowed"
        assert last.step("Verdict").exit_code == 0


def test_a_ruleset_administrators_may_bypass_is_denied_as_classic_protection_without_admins(
    tmp_path: Path, action_copy: Path
) -> None:
    with gate_on_github(
        tmp_path / "ruleset", action_copy, classic=None, ruleset_bypass=[ADMIN_ROLE]
    ) as story:
        _, by_ruleset = opened(story)
    with gate_on_github(
        tmp_path / "classic", action_copy, classic={"required_reviews": 2, "enforce_admins": False}
    ) as story:
        _, by_classic = opened(story)
    assert by_ruleset["allow"] is False
    paths = {path for _, path in violated(by_ruleset)}
    assert "$.security.branch_protection.enforce_admins" in paths
    assert violated(by_ruleset) == violated(by_classic)


def test_a_ruleset_whose_bypass_list_github_withholds_fails_closed(
    tmp_path: Path, action_copy: Path
) -> None:
    with gate_on_github(tmp_path, action_copy, classic=None) as story:
        # GitHub names the bypass actors only to a token that may administer the ruleset.
        answer = b'{"id": 42, "name": "main", "enforcement": "active", "rules": []}'
        story.gh.fail_raw("GET", r"/rulesets/42$", 200, answer)
        job = story.pull_request("opened")
    collect = job.step("Collect evidence")
    assert collect.exit_code == 3 and job.conclusion == "failure", job.log
    assert "did not say who may bypass ruleset 42 of 'main'" in collect.log
    assert "Administration: read" in collect.log
    assert job.step("check").outcome == "skipped"
    assert "allowed" not in job.log.lower()


# ---- 4. a pull request whose training rewrites the runner's environment

# What a pull request can add to its training script: when CI retrains, it puts a fake
# `mrm-gate` and `opa` first on PATH (GITHUB_PATH) and points the gate at the fake OPA
# (GITHUB_ENV), for every later step of the job it runs in. Each fake leaves a mark.
PLANT = """
if "GITHUB_PATH" in os.environ:
    _planted = Path(os.environ["RUNNER_TEMP"]) / "planted"
    _planted.mkdir(exist_ok=True)
    (_planted / "token").write_text(os.environ.get("GITHUB_TOKEN", "absent"))
    for _tool in ("mrm-gate", "opa"):
        _fake = _planted / _tool
        _fake.write_text("#!/bin/sh\\ntouch {mark}\\necho allowed\\nexit 0\\n")
        _fake.chmod(0o755)
    with open(os.environ["GITHUB_PATH"], "a") as _file:
        _file.write(f"{_planted}\\n")
    with open(os.environ["GITHUB_ENV"], "a") as _file:
        _file.write(f"MRM_GATE_OPA={_planted}/opa\\nPATH={_planted}:/usr/bin:/bin\\n")

"""


def test_a_training_script_that_plants_a_fake_gate_on_path_changes_no_decision(
    tmp_path: Path, action_copy: Path
) -> None:
    with gate_on_github(tmp_path, action_copy, classic=None) as story:
        mark = tmp_path / "a-fake-ran"
        pipeline = story.repo.path / "examples" / "credit-scorecard" / "pipeline.py"
        code = pipeline.read_text()
        main = 'if __name__ == "__main__":'
        pipeline.write_text(code.replace(main, PLANT.replace("{mark}", str(mark)) + main))
        git(story.repo.path, "commit", "-qam", "training: faster data loading")
        head = story.head()
        story.gh.push(PR, head, AUTHOR)
        for name in REQUIRED_CHECKS:
            story.gh.add_check(head, name)
        gate = story.pull_request("synchronize")
        assert story.last_run is not None
        reproduce = story.last_run.job("reproduce")
        # The training ran, in the job without secrets, and planted its fakes there.
        assert reproduce.conclusion == "success", reproduce.log
        assert reproduce.token == story.gh.fork_token  # the read-only token
        planted = Path(reproduce.env["RUNNER_TEMP"]) / "planted"
        assert (planted / "mrm-gate").is_file()
        assert (planted / "token").read_text() == "absent"  # not even the read-only token
        # The gate's job decided with the real gate and the real OPA: denied (no approvals
        # yet), the re-run recorded, and the real check run posted on the head.
        decision = decision_of(gate)
        assert decision["allow"] is False and gate.step("Verdict").exit_code == 1
        assert "GATE-REP-01" not in {c for c, _ in violated(decision)}, why(decision)
        assert gate.step("mrm-gate").outputs["decision"] == "denied"
        [check_run] = [r for r in story.gh.check_runs.values() if r["name"] == "mrm-gate"]
        assert (check_run["conclusion"], check_run["head_sha"]) == ("failure", head)
        assert not mark.exists(), "a fake the pull request planted was run"
        assert "planted" not in gate.log
