"""The credit example's pull request on the local GitHub server, with the tests' Actions
runner for its repository: the arrange shared by tests/test_actions_*.py and `make demo`.

The repository's `main` holds the gate's workflows (examples/workflows), the config with the
roles and the policies; the branch holds the example's code, trained model and evidence.
Each run gets the event, payload, environment, token and secrets GitHub gives it, and the
Action is the checkout's own action.yml, as the runner downloads it for
`uses: acme-bank/mrm-gate@v1`.
"""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from types import MappingProxyType
from typing import Any

from actions_runner import GitHubRepo, JobRun, Runner, WorkflowRun
from clock import NOW
from github_server import ACTIONS_APP, START, GitHubServer

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "examples"))
from example_repo import (  # noqa: E402
    BRANCH,
    PR,
    REPOSITORIES,
    REQUIRED_CHECKS,
    approvals_needed,
    approve_by_comments,
    git,
    make_repo,
)

EXAMPLE = "examples/credit-scorecard"
OWNER, NAME, AUTHOR = REPOSITORIES[EXAMPLE]
ACTION = "acme-bank/mrm-gate@v1"
WORKFLOWS = ("pr-gate.yml", "deploy-gate.yml")
TRUST_FILE = ".mrm-gate/trust.json"  # where deploy-gate.yml reads the trusted keys
NOT_THE_ACTION = shutil.ignore_patterns(
    ".git", ".venv", ".tools", "build", "dist", "*.egg-info", "__pycache__", ".*_cache", "out"
)
# Classic protection and a ruleset saying the same: two approving reviews dismissed on
# push, the required checks posted by GitHub Actions (and the gate's own).
CHECKS = [*REQUIRED_CHECKS, "mrm-gate"]
REVIEW_RULE = {
    "type": "pull_request",
    "parameters": {
        "required_approving_review_count": 2,
        "dismiss_stale_reviews_on_push": True,
        "require_code_owner_review": False,
        "require_last_push_approval": False,
        "required_review_thread_resolution": False,
    },
}
CHECKS_RULE = {
    "type": "required_status_checks",
    "parameters": {
        "strict_required_status_checks_policy": True,
        "required_status_checks": [
            {"context": name, "integration_id": ACTIONS_APP["id"]} for name in CHECKS
        ],
    },
}
# What a repository's `main` is protected by unless a test says otherwise: classic branch
# protection, two approving reviews (GitHubServer.protect's other defaults).
CLASSIC = MappingProxyType({"required_reviews": 2})
# The runner image's pip: offline, the dependencies from setup-python's interpreter
# (actions_runner.toolcache_python), the build backend as installed.
MACHINE_ENV = {"PIP_NO_INDEX": "1", "PIP_NO_BUILD_ISOLATION": "0", "MRM_GATE_GITHUB_PACING": "0"}


def copy_action(dest: Path) -> Path:
    """What the runner downloads for `uses: acme-bank/mrm-gate@v1`: the Action's files."""
    shutil.copytree(ROOT, dest, symlinks=True, ignore=NOT_THE_ACTION)
    return dest


def model_repository(dest: Path, now: str = NOW, trust: str | None = None) -> GitHubRepo:
    """The example as a PR against a `main` that holds the gate's workflows, the config
    with the roles and the policies (what a pull request is judged by), and ``trust`` as
    the deploy's trust file (TRUST_FILE) when given; dated as of ``now``
    (example_repo.make_repo)."""
    dest.mkdir()
    make_repo(dest, EXAMPLE, now)
    git(dest, "checkout", "-q", "main")
    if trust is not None:
        (dest / TRUST_FILE).parent.mkdir(parents=True, exist_ok=True)
        (dest / TRUST_FILE).write_text(trust, "utf-8")
    for workflow in WORKFLOWS:
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


# ---- the payloads GitHub sends (../shared/github-samples/events/)


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


# ---- the story's moves


class Story:
    """The pull request on ``gh``, its repository and the runner; ``now``: the runner
    machine's clock is never before it. ``runs``: every workflow run so far (the reproduce
    job and the gate job of each)."""

    def __init__(self, gh: GitHubServer, repo: GitHubRepo, runner: Runner, now: str) -> None:
        self.gh, self.repo, self.runner, self.now = gh, repo, runner, now
        self.runs: list[WorkflowRun] = []

    def run(self, workflow: str, event: str, payload: dict[str, Any]) -> JobRun:
        # The runner machine's clock: after everything the server has stamped so far.
        self.runner.clock = max(self.now, self.gh.tick())
        run = self.runner.run(f".github/workflows/{workflow}", event, payload)
        assert run is not None, f"{workflow} did not start for {event}"
        self.runs.append(run)
        job = run.job("gate")
        before = "\n".join(j.log for j in run.jobs.values() if j is not job)
        assert job.conclusion != "skipped", f"{workflow} skipped its gate for {event}: {before}"
        return job

    @property
    def last_run(self) -> WorkflowRun | None:
        return self.runs[-1] if self.runs else None

    def head(self) -> str:
        return git(self.repo.path, "rev-parse", BRANCH)

    def pull_request(self, action: str) -> JobRun:
        """A pull_request run (``opened``, ``synchronize``) of the branch's head."""
        self.repo.update_pull_refs(PR, self.head(), "main")
        return self.run("pr-gate.yml", "pull_request", pull_request_event(action, self.head()))

    def approve(self, digest: str, roles: list[str]) -> tuple[dict[str, list[str]], list[JobRun]]:
        """Approvers of ``roles`` comment ``/approve <role> <digest>`` (example_repo.
        approve_by_comments) and each comment starts an issue_comment run of its own.
        Returns each approver's roles and the runs, in the comments' order."""
        seen = len(self.gh.comments_of(PR))
        config = self.repo.path / ".mrm-gate.yml"
        given = approve_by_comments(self.gh, config, digest, roles)
        runs = [
            self.run("pr-gate.yml", "issue_comment", comment_event(comment))
            for comment in self.gh.comments_of(PR)[seen:]
            if comment["login"] in given
        ]
        return given, runs

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


def decision_file(job: JobRun) -> Path:
    """Where the Action's Check step wrote the decision (check --format json)."""
    check = job.step("check")
    assert check.outcome == "success", job.log
    return Path(check.outputs["decision-file"])


def decision_of(job: JobRun) -> dict[str, Any]:
    """The decision of a gate job, agreeing with the Action's outputs."""
    document: dict[str, Any] = json.loads(decision_file(job).read_text())
    gate = job.step("mrm-gate")
    assert gate.outputs["decision"] == ("allowed" if document["allow"] else "denied"), job.log
    assert gate.outputs["bundle-digest"] == document["bundle_digest"]
    return document


def why(decision: dict[str, Any]) -> str:
    """What a decision still waits for, for an assertion message."""
    violations = [
        f"{v['control_id']} {v['evidence_path']}: {v['msg']}" for v in decision["violations"]
    ]
    return "\n".join([*violations, *map(str, approvals_needed(decision))])


# ---- the arrange


def protect_main(
    gh: GitHubServer, classic: Mapping[str, Any] | None, bypass: list[dict[str, Any]] | None
) -> None:
    """``main`` protected classically (``classic``: :meth:`GitHubServer.protect`'s
    options) or, when ``classic`` is None, by a ruleset only (who may bypass it)."""
    if classic is not None:
        gh.protect("main", checks=CHECKS, **classic)
    else:
        gh.add_ruleset("main", REVIEW_RULE, CHECKS_RULE, bypass_actors=bypass)


@contextmanager
def gate_on_github(  # noqa: PLR0913 - each option is one way a repository is set up
    workdir: Path,
    action: Path,
    *,
    now: str = NOW,
    start: Any = START,
    author: str = AUTHOR,
    membership: str | None = "token",
    classic: Mapping[str, Any] | None = CLASSIC,
    ruleset_bypass: list[dict[str, Any]] | None = None,
    signing_key: str | None = None,
    trust: str | None = None,
) -> Iterator[Story]:
    """The example's pull request by ``author`` with its required checks passed and
    ``main`` protected (:func:`protect_main`), on a local GitHub server whose clock
    starts at ``start``; the runner's GITHUB_TOKEN is the workflow token and the
    MRM_GATE_MEMBERSHIP_TOKEN secret the server's token named ``membership`` (e.g.
    "token", the App installation token; None: no such secret). ``signing_key``: the
    MRM_GATE_SIGNING_KEY secret (a PEM private key), ``trust``: main's trust file."""
    workdir.mkdir(parents=True, exist_ok=True)
    repo = model_repository(workdir / "origin", now, trust)
    with GitHubServer.running(owner=OWNER, repo=NAME, start=start, git_dir=repo.path) as gh:
        shas = git(repo.path, "rev-list", "--reverse", f"main..{BRANCH}").split()
        gh.open_pull(PR, author, [(sha, author, author) for sha in shas])
        for name in REQUIRED_CHECKS:
            gh.add_check(shas[-1], name)
        protect_main(gh, classic, ruleset_bypass)
        gh.require_workflow("main")  # the gate's workflow, run from main (GATE-WF-01)
        token = getattr(gh, membership) if membership else None
        secrets = {"MRM_GATE_MEMBERSHIP_TOKEN": token} if token else {}
        if signing_key is not None:
            secrets["MRM_GATE_SIGNING_KEY"] = signing_key
        runner = Runner(
            repo,
            workdir / "runner",
            api_url=gh.url,
            token=gh.workflow_token,
            fork_token=gh.fork_token,
            read_token=gh.fork_token,  # read-only, for the reproduce job
            secrets=secrets,
            actions={ACTION: action},
            machine_env=MACHINE_ENV,
        )
        # An earlier run built the pinned OPA and saved it with actions/cache.
        version = (ROOT / "gate" / "OPA_VERSION").read_text().strip()
        runner.seed_cache(f"mrm-gate-opa-Linux-X64-{version}", [ROOT / ".tools" / "bin"])
        yield Story(gh, repo, runner, now)
