"""Facts about the change that only the delivery platform knows, read from the GitHub API.

Declared vs collected: these values are read by the gate itself, never from a file in the
repository. With ``mrm-gate collect --github`` the collector asks GitHub for

* the branch protection of the base branch (``security.branch_protection``): classic
  protection and the active ruleset rules, a ruleset binding administrators when nobody
  may bypass it, the app each required check must come from, and the workflows rulesets
  require (run from outside the pull request, so it cannot edit the gate out),
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

from gate.errors import EvidenceError, Problem, ReportingError, UsageError
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
# What a token needs to read a branch's classic protection and who may bypass its rulesets.
ADMINISTRATION = "the repository permission Administration: read"
# The ruleset rules that stand for classic protection's reviews and required checks.
_PROTECTING_RULES = ("pull_request", "required_status_checks")


@dataclass(frozen=True)
class PlatformFacts:
    """What ``--github`` adds to the bundle."""

    base_ref: str
    head_sha: str
    branch_protection: dict[str, Any]
    required_checks: list[dict[str, str]]
    tests_passed: bool
    author_ids: list[str]
    # The head of the pull request the run judges (None: no pull request): the commit the
    # bundle digest binds (gate.evidence.bundle_digest).
    pull_head: str | None = None


def is_gate_check(name: str) -> bool:
    return name == GATE_CHECK or name.startswith(GATE_CHECK + "/")


def protection_from_api(
    data: dict[str, Any] | None, rules: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """``security.branch_protection`` from GitHub's classic branch protection object
    (``None``: not protected that way) and the active ruleset rules of the branch
    (``GET /rules/branches/{b}``). A repository may use either or both; the stricter wins."""
    data = data or {}
    reviews = data.get("required_pull_request_reviews") or {}
    count = int(reviews.get("required_approving_review_count") or 0)
    dismiss = reviews.get("dismiss_stale_reviews") is True
    owners = reviews.get("require_code_owner_reviews") is True
    for rule in rules or []:
        if rule.get("type") == "pull_request":
            params = rule.get("parameters") or {}
            count = max(count, int(params.get("required_approving_review_count") or 0))
            dismiss = dismiss or params.get("dismiss_stale_reviews_on_push") is True
            owners = owners or params.get("require_code_owner_review") is True
    admins = data.get("enforce_admins") or {}
    apps = required_check_apps(data, rules)
    return {
        "required_reviews": count,
        "dismiss_stale": dismiss,
        "require_code_owner_reviews": owners,
        "enforce_admins": admins.get("enabled") is True,
        "required_status_checks": sorted(apps),
        "required_status_check_apps": [
            {"context": name, "app_id": app} for name, app in sorted(apps.items())
        ],
        "required_workflows": required_workflows(rules),
    }


def required_workflows(rules: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    """The workflows the branch's active rulesets require (``workflows`` rules): GitHub
    runs each from the repository and ref the rule names, never from the pull request.
    Whether anyone may bypass the ruleset is added by :func:`mark_bypass`."""
    found = [
        {
            "path": str(item.get("path") or ""),
            "repository_id": _app_id(item.get("repository_id")) or 0,
            "ref": str(item.get("ref") or ""),
            "sha": str(item.get("sha") or ""),
            "ruleset_id": rule.get("ruleset_id"),
        }
        for rule in rules or []
        if rule.get("type") == "workflows"
        for item in (rule.get("parameters") or {}).get("workflows") or []
    ]
    return sorted(found, key=lambda w: (w["path"], str(w["ruleset_id"])))


def required_check_apps(
    data: dict[str, Any] | None, rules: list[dict[str, Any]] | None = None
) -> dict[str, int | None]:
    """Each required check's name and the id of the GitHub App that must post it (``None``:
    any app, or a commit status). Classic protection names it ``checks[].app_id``, a
    ruleset ``required_status_checks[].integration_id``."""
    checks = (data or {}).get("required_status_checks") or {}
    apps: dict[str, int | None] = {str(c): None for c in checks.get("contexts") or []}
    for item in checks.get("checks") or []:
        if item.get("context"):
            apps[str(item["context"])] = _app_id(item.get("app_id"))
    for rule in rules or []:
        if rule.get("type") != "required_status_checks":
            continue
        for item in (rule.get("parameters") or {}).get("required_status_checks") or []:
            if item.get("context"):
                apps[str(item["context"])] = _app_id(item.get("integration_id"))
    return apps


def _app_id(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def conclusion_of(status: str | None, conclusion: str | None) -> str:
    """A check run's outcome in the bundle's vocabulary; anything unknown is a failure."""
    if status != "completed":
        return "pending"
    if conclusion in _CONCLUSIONS:
        return str(conclusion)
    return _MAPPED.get(str(conclusion), "failure")


def summarise_checks(
    runs: list[dict[str, Any]], required: list[str], apps: dict[str, int | None] | None = None
) -> tuple[list[dict[str, str]], bool]:
    """The latest run of each check (the gate's own excluded), and whether every required
    check concluded ``success``. No required check at all proves nothing: ``False``.

    A check bound to an app (``apps[name]``) counts only from that app: another app's run
    of the same name (or a commit status) is ignored, whoever posted it last.
    """
    apps = apps or {}
    latest: dict[str, dict[str, Any]] = {}
    for run in runs:
        name = str(run["name"])
        if is_gate_check(name):
            continue
        bound = apps.get(name)
        if bound is not None and run.get("app_id") != bound:
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


def _branch_protection(gh: Github, settings: GitHubSettings, branch: str) -> dict[str, Any] | None:
    """The classic protection of ``branch``; ``None`` when it has none."""
    path = f"/repos/{settings.repository}/branches/{quote(branch, safe='')}/protection"
    with api_errors(settings, f"reading the branch protection of {branch!r}", ADMINISTRATION):
        try:
            _, data = gh.requester.requestJsonAndCheck("GET", path)
        except GithubException as exc:
            message = exc.data.get("message") if isinstance(exc.data, dict) else None
            if exc.status == 404 and message == "Branch not protected":
                return None
            raise
    return _object(data, settings, f"the branch protection of {branch!r}")


def _branch_rules(gh: Github, settings: GitHubSettings, branch: str) -> list[dict[str, Any]]:
    """The active ruleset rules of ``branch``: every page, as long as GitHub's ``Link``
    header names a next one (a page may be shorter than asked for)."""
    path = f"/repos/{settings.repository}/rules/branches/{quote(branch, safe='')}"
    rules: list[dict[str, Any]] = []
    with api_errors(settings, f"reading the rulesets of {branch!r}"):
        page = 1
        while True:
            headers, data = gh.requester.requestJsonAndCheck(
                "GET", path, parameters={"per_page": 100, "page": page}
            )
            if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
                raise ReportingError(
                    settings.scrub(f"GitHub answered the rules of {branch!r} with no list"),
                    hint="re-run the job; if it persists, GitHub's API is answering wrongly",
                )
            rules.extend(data)
            if 'rel="next"' not in str({k.lower(): v for k, v in headers.items()}.get("link")):
                return rules
            page += 1


def rules_bind_admins(
    gh: Github, settings: GitHubSettings, branch: str, rules: list[dict[str, Any]]
) -> bool:
    """Whether the rulesets requiring reviews or checks of ``branch`` hold administrators
    too: a ruleset's counterpart of classic protection's ``enforce_admins`` is an empty
    bypass list (GitHub names the bypass actors only to a token that may administer the
    ruleset; without them nothing can be said, which fails closed)."""
    ids = {rule.get("ruleset_id") for rule in rules if rule.get("type") in _PROTECTING_RULES}
    if not ids:
        return False
    return not any(_bypass_actors(gh, settings, branch, i) for i in sorted(ids, key=str))


def mark_bypass(
    gh: Github, settings: GitHubSettings, branch: str, workflows: list[dict[str, Any]]
) -> None:
    """Replace each required workflow's ``ruleset_id`` by ``bypass_allowed``: whether
    anyone may bypass the ruleset that requires it (and so merge without it)."""
    for workflow in workflows:
        ruleset_id = workflow.pop("ruleset_id")
        workflow["bypass_allowed"] = bool(_bypass_actors(gh, settings, branch, ruleset_id))


def _bypass_actors(gh: Github, settings: GitHubSettings, branch: str, ruleset_id: Any) -> list[Any]:
    """Who may bypass ruleset ``ruleset_id`` (``GET /rulesets/{id}``); fails closed when
    GitHub does not say."""
    if not isinstance(ruleset_id, int) or isinstance(ruleset_id, bool):
        raise ReportingError(
            settings.scrub(f"GitHub answered a rule of {branch!r} without its ruleset id"),
            hint="re-run the job; if it persists, GitHub's API is answering wrongly",
        )
    path = f"/repos/{settings.repository}/rulesets/{ruleset_id}"
    what = f"reading who may bypass ruleset {ruleset_id} of {branch!r}"
    with api_errors(settings, what, ADMINISTRATION):
        _, data = gh.requester.requestJsonAndCheck(
            "GET", path, parameters={"includes_parents": "true"}
        )
    bypass = _object(data, settings, f"ruleset {ruleset_id}").get("bypass_actors")
    if not isinstance(bypass, list):
        raise ReportingError(
            settings.scrub(
                f"GitHub did not say who may bypass ruleset {ruleset_id} of {branch!r}: "
                "the gate cannot tell whether administrators are held to its reviews, "
                "required checks and required workflows"
            ),
            hint=f"GitHub names a ruleset's bypass actors only to a token that may "
            f"administer it: pass as membership-token a GitHub App installation token "
            f"with {ADMINISTRATION} (docs/github.md, Tokens)",
        )
    return bypass


def _object(data: Any, settings: GitHubSettings, what: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise ReportingError(
            settings.scrub(f"GitHub answered {what} with something that is not an object"),
            hint="re-run the job; if it persists, GitHub's API is answering wrongly",
        )
    return data


def _check_runs(gh: Github, settings: GitHubSettings, sha: str) -> list[dict[str, Any]]:
    """The check runs of ``sha`` with the app that posted each, and its commit statuses
    (which no app posts as far as a required check's binding goes)."""
    repo = call(settings, "reading the repository", lambda: gh.get_repo(settings.repository))
    with api_errors(settings, f"listing the check runs of commit {sha[:12]}"):
        commit = repo.get_commit(sha)
        runs = [
            {
                "id": run.id,
                "name": run.name,
                "status": run.status,
                "conclusion": run.conclusion,
                "app_id": run.app.id if run.app is not None else None,
            }
            for run in commit.get_check_runs()
        ]
    with api_errors(settings, f"listing the commit statuses of {sha[:12]}"):
        latest: dict[str, Any] = {}
        for status in commit.get_statuses():  # newest first
            latest.setdefault(status.context, status)
    for context, status in latest.items():
        state = {"success": "success", "pending": None}.get(status.state, "failure")
        runs.append(
            {
                "id": status.id,
                "name": context,
                "status": "completed" if state else "in_progress",
                "conclusion": state,
                "app_id": None,
            }
        )
    return runs


def _author_ids(context: dict[str, Any]) -> list[str]:
    unmapped = list(context.get("unmapped_commits") or [])
    if unmapped:
        raise EvidenceError(
            f"pull request #{context['number']} has commits whose author, committer or "
            "co-author has no GitHub account",
            [
                Problem(
                    f"pull request #{context['number']}",
                    f"commit {sha}",
                    "the author, committer or a Co-authored-by co-author is not linked to a "
                    "GitHub login, so the gate cannot prove who wrote the change",
                    "commit (and credit co-authors) with e-mail addresses linked to GitHub "
                    "accounts, e.g. their users.noreply.github.com address, and push again",
                )
                for sha in unmapped
            ],
        )
    logins = {c[k] for c in context.get("commits", []) for k in ("author", "committer") if c[k]}
    logins |= {login for c in context.get("commits", []) for login in c.get("co_authors", [])}
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
    classic = _branch_protection(gh, settings, branch)
    rules = _branch_rules(gh, settings, branch)
    protection = protection_from_api(classic, rules)
    if not protection["enforce_admins"]:
        protection["enforce_admins"] = rules_bind_admins(gh, settings, branch, rules)
    mark_bypass(gh, settings, branch, protection["required_workflows"])
    checks, passed = summarise_checks(
        _check_runs(gh, settings, sha),
        protection["required_status_checks"],
        required_check_apps(classic, rules),
    )
    pull_head = sha if pr is not None else None
    return PlatformFacts(branch, sha, protection, checks, passed, author_ids, pull_head)


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
