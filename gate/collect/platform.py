"""Facts about the change that only the delivery platform knows, read from the GitHub API.

Declared vs collected: these values are read by the gate itself, never from a file in the
repository. With ``mrm-gate collect --github`` the collector asks GitHub for

* the branch protection of the base branch (``security.branch_protection``),
* the check runs of the commit under review (``change.required_checks``) and whether every
  check the branch protection requires concluded successfully (``change.tests_passed``),
* the GitHub logins of everyone who authored or committed a commit of the pull request
  (``change.author_ids``).

Every API failure becomes a :class:`~gate.errors.ReportingError` (exit 3) through
:func:`gate.github.client.api_errors`, which also scrubs the token from the message.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from github import Github, GithubException

from gate.errors import EvidenceError, Problem, UsageError
from gate.github.client import GitHubSettings, api_errors, call, make_client
from gate.github.collect import _find_pull_request, pull_request_context

# The gate's own status check cannot wait for its own outcome: it is never a test result.
GATE_CHECK = "mrm-gate"
# GitHub conclusions the bundle schema names as they are; the others are mapped below.
_CONCLUSIONS = {
    "success",
    "failure",
    "neutral",
    "cancelled",
    "skipped",
    "timed_out",
    "action_required",
}
_MAPPED = {"stale": "timed_out", "startup_failure": "failure"}


@dataclass(frozen=True)
class PlatformFacts:
    """What ``--github`` adds to the bundle."""

    base_ref: str
    head_sha: str
    branch_protection: dict[str, Any]
    required_checks: list[dict[str, str]]
    tests_passed: bool
    author_ids: list[str]


def is_gate_check(name: str) -> bool:
    return name == GATE_CHECK or name.startswith(GATE_CHECK + "/")


def protection_from_api(data: dict[str, Any] | None) -> dict[str, Any]:
    """``security.branch_protection`` from GitHub's branch protection object (``None``: the
    branch is not protected)."""
    data = data or {}
    reviews = data.get("required_pull_request_reviews") or {}
    checks = data.get("required_status_checks") or {}
    names = {str(c) for c in checks.get("contexts") or []}
    names |= {str(c["context"]) for c in checks.get("checks") or [] if c.get("context")}
    admins = data.get("enforce_admins") or {}
    return {
        "required_reviews": int(reviews.get("required_approving_review_count") or 0),
        "dismiss_stale": reviews.get("dismiss_stale_reviews") is True,
        "require_code_owner_reviews": reviews.get("require_code_owner_reviews") is True,
        "enforce_admins": admins.get("enabled") is True,
        "required_status_checks": sorted(names),
    }


def conclusion_of(status: str | None, conclusion: str | None) -> str:
    """A check run's outcome in the bundle's vocabulary; anything unknown is a failure."""
    if status != "completed":
        return "pending"
    if conclusion in _CONCLUSIONS:
        return str(conclusion)
    return _MAPPED.get(str(conclusion), "failure")


def summarise_checks(
    runs: list[dict[str, Any]], required: list[str]
) -> tuple[list[dict[str, str]], bool]:
    """The latest run of each check (the gate's own excluded), and whether every required
    check concluded ``success``. No required check at all proves nothing: ``False``."""
    latest: dict[str, dict[str, Any]] = {}
    for run in runs:
        name = str(run["name"])
        if is_gate_check(name):
            continue
        if name not in latest or int(run["id"]) > int(latest[name]["id"]):
            latest[name] = run
    checks = [
        {"name": name, "conclusion": conclusion_of(run["status"], run["conclusion"])}
        for name, run in sorted(latest.items())
    ]
    outcome = {c["name"]: c["conclusion"] for c in checks}
    needed = [n for n in required if not is_gate_check(n)]
    passed = bool(needed) and all(outcome.get(n) == "success" for n in needed)
    return checks, passed


def _branch_protection(gh: Github, settings: GitHubSettings, branch: str) -> dict[str, Any]:
    path = f"/repos/{settings.repository}/branches/{quote(branch, safe='')}/protection"
    with api_errors(settings, f"reading the branch protection of {branch!r}"):
        try:
            _, data = gh.requester.requestJsonAndCheck("GET", path)
        except GithubException as exc:
            message = exc.data.get("message") if isinstance(exc.data, dict) else None
            if exc.status == 404 and message == "Branch not protected":
                return protection_from_api(None)
            raise
    return protection_from_api(data if isinstance(data, dict) else None)


def _check_runs(gh: Github, settings: GitHubSettings, sha: str) -> list[dict[str, Any]]:
    repo = call(settings, "reading the repository", lambda: gh.get_repo(settings.repository))
    with api_errors(settings, f"listing the check runs of commit {sha[:12]}"):
        return [
            {"id": run.id, "name": run.name, "status": run.status, "conclusion": run.conclusion}
            for run in repo.get_commit(sha).get_check_runs()
        ]


def _author_ids(context: dict[str, Any]) -> list[str]:
    unmapped = list(context.get("unmapped_commits") or [])
    if unmapped:
        raise EvidenceError(
            f"pull request #{context['number']} has commits whose author or committer has no "
            "GitHub account",
            [
                Problem(
                    f"pull request #{context['number']}",
                    f"commit {sha}",
                    "the author or committer is not linked to a GitHub login, so the gate "
                    "cannot prove who wrote the change",
                    "commit with an e-mail address linked to a GitHub account and push again",
                )
                for sha in unmapped
            ],
        )
    logins = {c[k] for c in context.get("commits", []) for k in ("author", "committer") if c[k]}
    return sorted(logins)


def platform_facts(settings: GitHubSettings, *, head: str, base_ref: str | None) -> PlatformFacts:
    """Read the platform facts of the change at ``head`` (the checked-out commit).

    The pull request comes from the event payload, or from the commit
    (``/commits/{sha}/pulls``) outside a pull request. Its base branch is the protected
    branch; without a pull request, ``base_ref`` (``--base``, ``GITHUB_BASE_REF``) or the
    pushed branch (``GITHUB_REF_NAME``) is used.
    """
    gh = make_client(settings)
    lookup = settings if settings.sha else _with_sha(settings, head)
    pr = _find_pull_request(gh, lookup)
    author_ids: list[str] = []
    sha = settings.sha or head
    branch = base_ref or ""
    if pr is not None:
        context = pull_request_context(pr, settings)
        author_ids = _author_ids(context)
        sha = str(context["head_sha"])
        branch = str(context["base_ref"]) or branch
    if not branch:
        raise UsageError(
            "the protected branch of the change is unknown: no pull request, no --base, no "
            "GITHUB_BASE_REF",
            hint="run collect --github on a pull_request event, or pass --base <branch>",
        )
    protection = _branch_protection(gh, settings, branch)
    checks, passed = summarise_checks(
        _check_runs(gh, settings, sha), protection["required_status_checks"]
    )
    return PlatformFacts(branch, sha, protection, checks, passed, author_ids)


def _with_sha(settings: GitHubSettings, sha: str) -> GitHubSettings:
    return GitHubSettings(
        repository=settings.repository,
        api_url=settings.api_url,
        token=settings.token,
        event_name=settings.event_name,
        event=settings.event,
        sha=sha,
        pacing=settings.pacing,
    )
