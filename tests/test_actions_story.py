"""The approval flow end to end through the tests' Actions runner, with the real action.yml
and the real examples/workflows: each run gets the event, payload and environment GitHub
gives it, and each approver's comment starts a run of its own.

PR opened (denied, approvals listed) -> each approver comments (an issue_comment run each)
-> allowed, the same digest throughout -> a new commit: stale, denied -> re-approved ->
allowed -> merged: the push of the merge commit runs the deploy workflow, allowed at
production with the same digest, and the Deploy step runs. A push to main that no merged
pull request produced is denied and deploys nothing.
"""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from actions_runner import GitHubRepo, JobRun, Runner, WorkflowRun
from github_server import GitHubServer

from conftest import NOW, ROOT

sys.path.insert(0, str(Path(__file__).resolve().parent / "examples"))
from example_repo import (  # noqa: E402
    BRANCH,
    PR,
    REPOSITORIES,
    REQUIRED_CHECKS,
    approvals_needed,
    approve_by_comments,
    git,
    make_repo,
    seed_pull_request,
)

EXAMPLE = "examples/credit-scorecard"
OWNER, NAME, AUTHOR = REPOSITORIES[EXAMPLE]
ACTION = "acme-bank/mrm-gate@v1"
NOT_THE_ACTION = shutil.ignore_patterns(
    ".git", ".venv", ".tools", "build", "dist", "*.egg-info", "__pycache__", ".*_cache", "out"
)


def model_repository(dest: Path) -> GitHubRepo:
    """The example as a PR against a `main` that holds the gate's workflows, the config
    with the roles and the policies (what a pull request is judged by)."""
    dest.mkdir()
    make_repo(dest, EXAMPLE, NOW)
    git(dest, "checkout", "-q", "main")
    for workflow in ("pr-gate.yml", "deploy-gate.yml"):
        target = dest / ".github" / "workflows" / workflow
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / "examples" / "workflows" / workflow, target)
    shutil.copy(ROOT / EXAMPLE / ".mrm-gate.yml", dest / ".mrm-gate.yml")
    shutil.copytree(ROOT / "policies", dest / "policies")
    git(dest, "add", "-A")
    git(dest, "commit", "-q", "-m", "the model gate")
    git(dest, "checkout", "-q", BRANCH)
    git(dest, "rebase", "-q", "main")
    return GitHubRepo(dest, f"{OWNER}/{NAME}")


def repository_json() -> dict[str, Any]:
    return {
        "name": NAME,
        "full_name": f"{OWNER}/{NAME}",
        "owner": {"login": OWNER},
        "default_branch": "main",
    }


def pull_request_event(action: str, head: str, sender: str = AUTHOR) -> dict[str, Any]:
    return {
        "action": action,
        "number": PR,
        "pull_request": {
            "number": PR,
            "state": "open",
            "user": {"login": AUTHOR},
            "head": {"sha": head, "ref": BRANCH, "repo": repository_json()},
            "base": {"ref": "main", "repo": repository_json()},
            "merged": False,
            "merge_commit_sha": None,
        },
        "repository": repository_json(),
        "sender": {"login": sender},
    }


def comment_event(comment: dict[str, Any]) -> dict[str, Any]:
    html = f"https://github.com/{OWNER}/{NAME}/pull/{PR}"
    return {
        "action": "created",
        "issue": {
            "number": PR,
            "user": {"login": AUTHOR},
            "pull_request": {"url": f"{html}.json", "html_url": html},
        },
        "comment": {
            "id": comment["id"],
            "body": comment["body"],
            "user": {"login": comment["login"]},
            "created_at": comment["created_at"],
            "updated_at": comment["updated_at"],
        },
        "repository": repository_json(),
        "sender": {"login": comment["login"]},
    }


def push_event(before: str, after: str, sender: str) -> dict[str, Any]:
    return {
        "ref": "refs/heads/main",
        "before": before,
        "after": after,
        "head_commit": {"id": after},
        "repository": repository_json(),
        "sender": {"login": sender},
    }


class Story:
    def __init__(self, gh: GitHubServer, repo: GitHubRepo, runner: Runner) -> None:
        self.gh, self.repo, self.runner = gh, repo, runner
        self.last_run: WorkflowRun | None = None

    def run(self, workflow: str, event: str, payload: dict[str, Any]) -> JobRun:
        # The runner machine's clock: after everything the server has stamped so far.
        self.runner.clock = max(NOW, self.gh.tick())
        run = self.runner.run(f".github/workflows/{workflow}", event, payload)
        assert run is not None, f"{workflow} did not start for {event}"
        self.last_run = run  # the reproduce job and the gate job
        job = run.job("gate")
        before = "\n".join(j.log for j in run.jobs.values() if j is not job)
        assert job.conclusion != "skipped", f"{workflow} skipped its gate for {event}: {before}"
        return job

    def head(self) -> str:
        return git(self.repo.path, "rev-parse", BRANCH)

    def pull_request(self, action: str) -> JobRun:
        self.repo.update_pull_refs(PR, self.head(), "main")
        return self.run("pr-gate.yml", "pull_request", pull_request_event(action, self.head()))

    def push_to_main(self, sha: str, sender: str) -> JobRun:
        """``sha`` becomes main's tip, and the push starts the deploy workflow."""
        before = self.repo.rev("main")
        self.repo.git("update-ref", "refs/heads/main", sha, before)
        return self.run("deploy-gate.yml", "push", push_event(before, sha, sender))

    def merge(self) -> str:
        """Merge the pull request as GitHub's merge button does: a merge commit on main
        with main and the head as parents; returns its SHA."""
        main, head = self.repo.rev("main"), self.head()
        tree = self.repo.git("merge-tree", "--write-tree", main, head).splitlines()[0]
        message = f"Merge pull request #{PR} from {OWNER}/{BRANCH}"
        sha = self.repo.git("commit-tree", tree, "-p", main, "-p", head, "-m", message)
        self.gh.merge(PR, sha)
        return sha


def why(decision: dict[str, Any]) -> str:
    """What a decision still waits for, for an assertion message."""
    violations = [
        f"{v['control_id']} {v['evidence_path']}: {v['msg']}" for v in decision["violations"]
    ]
    return "\n".join([*violations, *map(str, approvals_needed(decision))])


def decision_of(job: JobRun) -> dict[str, Any]:
    gate = job.step("mrm-gate")
    check = job.step("check")
    assert check.outcome == "success", job.log
    document: dict[str, Any] = json.loads(Path(check.outputs["decision-file"]).read_text())
    assert gate.outputs["decision"] == ("allowed" if document["allow"] else "denied"), job.log
    assert gate.outputs["bundle-digest"] == document["bundle_digest"]
    return document


@pytest.fixture(scope="module")
def action_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What the runner downloads for `uses: acme-bank/mrm-gate@v1`: the Action's files."""
    dest = tmp_path_factory.mktemp("action") / "mrm-gate"
    shutil.copytree(ROOT, dest, symlinks=True, ignore=NOT_THE_ACTION)
    return dest


@contextmanager
def story_on_github(tmp_path: Path, action_copy: Path) -> Iterator[Story]:
    """The example's PR on the local GitHub server and a runner for its repository."""
    repo = model_repository(tmp_path / "origin")
    with GitHubServer.running(owner=OWNER, repo=NAME, git_dir=repo.path) as gh:
        seed_pull_request(gh, repo.path, AUTHOR)
        runner = Runner(
            repo,
            tmp_path / "runner",
            api_url=gh.url,
            token=gh.token,
            read_token=gh.fork_token,  # read-only, for the reproduce job
            secrets={"MRM_GATE_MEMBERSHIP_TOKEN": gh.token},
            actions={ACTION: action_copy},
            # The runner image's pip: offline, the dependencies from setup-python's
            # interpreter (actions_runner.toolcache_python), the build backend as installed.
            machine_env={
                "PIP_NO_INDEX": "1",
                "PIP_NO_BUILD_ISOLATION": "0",
                "MRM_GATE_GITHUB_PACING": "0",
            },
        )
        # An earlier run built the pinned OPA and saved it with actions/cache.
        version = (ROOT / "gate" / "OPA_VERSION").read_text().strip()
        runner.seed_cache(f"mrm-gate-opa-Linux-X64-{version}", [ROOT / ".tools" / "bin"])
        yield Story(gh, repo, runner)


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


def test_a_pull_request_opened_runs_the_real_action_and_is_denied_with_instructions(
    tmp_path: Path, action_copy: Path
) -> None:
    with story_on_github(tmp_path, action_copy) as story:
        opened(story)
        [run] = [r for r in story.gh.check_runs.values() if r["name"].startswith("mrm-gate")]
        assert run["conclusion"] == "failure"
        assert run["head_sha"] == story.head()


def comment_runs(story: Story, logins: set[str], after: int) -> list[dict[str, Any]]:
    """Each of these logins' comments (from the ``after``-th on) starts a run of its own."""
    decisions = []
    for comment in story.gh.comments_of(PR)[after:]:
        if comment["login"] in logins:
            job = story.run("pr-gate.yml", "issue_comment", comment_event(comment))
            decisions.append(decision_of(job))
    return decisions


def test_the_approval_story_through_the_real_action_and_workflows(
    tmp_path: Path, action_copy: Path
) -> None:
    with story_on_github(tmp_path, action_copy) as story:
        gh, repo = story.gh, story.repo
        first = opened(story)

        # Each approver comments; each comment starts a run; the digest never moves.
        config = repo.path / ".mrm-gate.yml"
        seen = len(gh.comments_of(PR))
        given = approve_by_comments(gh, config, first["bundle_digest"], approvals_needed(first))
        runs = comment_runs(story, set(given), seen)
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
        seen = len(gh.comments_of(PR))
        again = approve_by_comments(gh, config, synced["bundle_digest"], approvals_needed(synced))
        reapproved = comment_runs(story, set(again), seen)[-1]
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
        assert deploy.step("Deploy").outcome == "success", deploy.log
        assert synced["bundle_digest"] in deploy.step("Deploy").log


def test_a_push_to_main_that_no_merged_pull_request_produced_is_denied(
    tmp_path: Path, action_copy: Path
) -> None:
    with story_on_github(tmp_path, action_copy) as story:
        gh, repo = story.gh, story.repo
        first = opened(story)
        config = repo.path / ".mrm-gate.yml"
        seen = len(gh.comments_of(PR))
        given = approve_by_comments(gh, config, first["bundle_digest"], approvals_needed(first))
        assert comment_runs(story, set(given), seen)[-1]["allow"] is True

        # Closed without merging, and its approved head pushed to main directly.
        gh.close(PR)
        deploy = story.push_to_main(story.head(), AUTHOR)
        decision = decision_of(deploy)
        assert decision["allow"] is False and deploy.conclusion == "failure"
        assert "validator" in approvals_needed(decision), why(decision)  # no merged PR: none count
        assert deploy.step("Deploy").outcome == "skipped"
