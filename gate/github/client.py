"""The GitHub API seam: settings read from the Actions environment, a PyGithub client,
and the translation of every API failure into a :class:`ReportingError` (exit 3).

The token is held with ``repr=False`` and scrubbed from every message the gate builds, so
it never reaches a log, an exception or an output file.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import requests
import yaml
from github import Auth, Github, GithubException, RateLimitExceededException
from urllib3.util.retry import Retry

from gate.errors import ReportingError, UsageError

DEFAULT_API_URL = "https://api.github.com"
# The identity the Actions GITHUB_TOKEN writes as; GET /user is refused for that token.
ACTIONS_LOGIN = "github-actions[bot]"

T = TypeVar("T")


@dataclass(frozen=True)
class GitHubSettings:
    """Where the gate talks to and on whose behalf; read from the Actions environment."""

    repository: str
    api_url: str = DEFAULT_API_URL
    token: str = field(default="", repr=False)
    event_name: str = ""
    event: dict[str, Any] = field(default_factory=dict, repr=False)
    sha: str = ""
    pacing: float | None = None

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> GitHubSettings:
        env = dict(os.environ if environ is None else environ)
        token = env.get("GITHUB_TOKEN", "")
        if not token:
            raise UsageError(
                "GITHUB_TOKEN is not set",
                hint="pass the workflow token: env: GITHUB_TOKEN: ${{ github.token }}",
            )
        repository = env.get("GITHUB_REPOSITORY", "")
        if repository.count("/") != 1:
            raise UsageError(f"GITHUB_REPOSITORY must be owner/name, not {repository!r}")
        event: dict[str, Any] = {}
        event_path = env.get("GITHUB_EVENT_PATH", "")
        if event_path:
            try:
                loaded = json.loads(Path(event_path).read_text("utf-8"))
            except (OSError, ValueError) as exc:
                raise UsageError(f"cannot read the event payload {event_path}: {exc}") from None
            if isinstance(loaded, dict):
                event = loaded
        pacing_text = env.get("MRM_GATE_GITHUB_PACING", "")
        try:
            pacing = float(pacing_text) if pacing_text else None
        except ValueError:
            raise UsageError("MRM_GATE_GITHUB_PACING must be a number of seconds") from None
        return cls(
            repository=repository,
            api_url=(env.get("GITHUB_API_URL") or DEFAULT_API_URL).rstrip("/"),
            token=token,
            event_name=env.get("GITHUB_EVENT_NAME", ""),
            event=event,
            sha=env.get("GITHUB_SHA", ""),
            pacing=pacing,
        )

    @property
    def pull_number(self) -> int | None:
        """The pull request of the event: ``pull_request.number``, or ``issue.number`` for
        a comment on a pull request. ``None`` outside a pull request."""
        pr = self.event.get("pull_request")
        if isinstance(pr, dict) and isinstance(pr.get("number"), int):
            return int(pr["number"])
        issue = self.event.get("issue")
        if isinstance(issue, dict) and issue.get("pull_request") is not None:
            number = issue.get("number")
            if isinstance(number, int):
                return number
        return None

    @property
    def fork(self) -> str:
        """The fork a pull_request run's pull request comes from ("" for any other run):
        GitHub gives such a run a read-only GITHUB_TOKEN and no secrets."""
        if self.event_name not in ("pull_request", "pull_request_review"):
            return ""
        pr = self.event.get("pull_request")
        head = pr.get("head") if isinstance(pr, dict) else None
        repo = head.get("repo") if isinstance(head, dict) else None
        name = repo.get("full_name") if isinstance(repo, dict) else None
        if isinstance(name, str) and name.lower() != self.repository.lower():
            return name
        return ""

    def scrub(self, text: str) -> str:
        """``text`` with the token removed."""
        return text.replace(self.token, "***") if self.token else text


def make_client(settings: GitHubSettings) -> Github:
    """A PyGithub client that fails fast: server errors are retried twice on reads,
    rate limits are never waited out (the job would hang), they are reported."""
    retry = Retry(
        total=2,
        connect=2,
        read=0,
        status=2,
        backoff_factor=0.2,
        status_forcelist=(502, 503, 504),
        allowed_methods=frozenset({"GET"}),
        raise_on_status=False,
    )
    pacing: dict[str, Any] = {}
    if settings.pacing is not None:
        pacing = {
            "seconds_between_requests": settings.pacing or None,
            "seconds_between_writes": settings.pacing or None,
        }
    return Github(
        auth=Auth.Token(settings.token),
        base_url=settings.api_url,
        retry=retry,
        timeout=20,
        user_agent="mrm-gate",
        **pacing,
    )


def _reset_time(headers: dict[str, Any]) -> str:
    reset = headers.get("x-ratelimit-reset") or headers.get("X-RateLimit-Reset")
    try:
        when = _dt.datetime.fromtimestamp(int(str(reset)), _dt.UTC)
    except (TypeError, ValueError):
        return "later"
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def _is_rate_limited(exc: GithubException) -> bool:
    headers = {k.lower(): v for k, v in (exc.headers or {}).items()}
    if isinstance(exc, RateLimitExceededException) or exc.status == 429:
        return True
    return exc.status == 403 and str(headers.get("x-ratelimit-remaining", "")) == "0"


def _api_message(exc: GithubException) -> str:
    data = exc.data
    message = data.get("message") if isinstance(data, dict) else None
    return message if isinstance(message, str) else ""


@contextmanager
def api_errors(settings: GitHubSettings, what: str, permission: str = "") -> Iterator[None]:
    """Turn any failure of the GitHub API while doing ``what`` into a ReportingError;
    ``permission`` is the App permission ``what`` needs, named when the token lacks it."""
    try:
        yield
    except GithubException as exc:
        headers = {k.lower(): v for k, v in (exc.headers or {}).items()}
        if _is_rate_limited(exc):
            raise ReportingError(
                settings.scrub(
                    f"GitHub API rate limit exhausted while {what} "
                    f"(HTTP {exc.status}); it resets at {_reset_time(headers)}"
                ),
                hint="re-run the job after the reset; the gate never waits out a rate limit "
                "and never decides without the API",
            ) from None
        detail = _api_message(exc)
        raise ReportingError(
            settings.scrub(
                f"GitHub API error while {what}: HTTP {exc.status}"
                + (f" ({detail})" if detail else "")
            ),
            hint=_hint_for(exc.status, detail, settings, permission),
        ) from None
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        # A 200 with garbage, truncated JSON, an object missing what GitHub always sends:
        # nothing read from such an answer can be trusted.
        raise ReportingError(
            settings.scrub(
                f"GitHub answered something the gate cannot read while {what} "
                f"({type(exc).__name__})"
            ),
            hint="re-run the job; if it persists, check GITHUB_API_URL "
            f"({settings.api_url}) points at the GitHub API and not at a proxy or a page",
        ) from None
    except requests.RequestException as exc:
        raise ReportingError(
            settings.scrub(f"GitHub API unreachable while {what}: {type(exc).__name__}"),
            hint=f"check GITHUB_API_URL ({settings.api_url}) and the network",
        ) from None


def _hint_for(
    status: int, detail: str = "", settings: GitHubSettings | None = None, permission: str = ""
) -> str:
    if status == 401:
        return "the token is invalid or expired"
    forbidden = status == 403 and detail.startswith("Resource not accessible")
    if forbidden and settings is not None and settings.fork:
        return (
            f"this run is for a pull request from the fork {settings.fork}: GitHub gives "
            "its pull_request runs a read-only GITHUB_TOKEN and no secrets (the "
            "membership-token is empty), so the gate cannot read what it needs"
            + (f" ({permission})" if permission else "")
            + f" and decides nothing. Push the commits to a branch of {settings.repository} "
            "and open the pull request from that branch; never run the fork's code with "
            "the membership token (pull_request_target)"
        )
    if forbidden and permission:
        return (
            f"the token lacks {permission}: grant it to the GitHub App whose installation "
            "token the workflow passes as membership-token (the workflow GITHUB_TOKEN can "
            "never hold it; docs/github.md, Tokens)"
        )
    if forbidden:
        return (
            "the token may not read this: the workflow GITHUB_TOKEN has no Administration "
            "or organisation Members permission and a fork's token is read-only; pass a "
            "GitHub App installation token with Administration: read, Members: read, "
            "Checks: write, Pull requests: read, Issues: write (docs/github.md, Tokens)"
        )
    if status in (403, 404):
        return (
            "the token lacks a permission the gate needs (pull-requests: write, "
            "checks: write, and members: read on the organisation for team checks)"
        )
    return "GitHub may be having trouble; re-run the job"


def call(settings: GitHubSettings, what: str, fn: Callable[[], T]) -> T:
    """``fn()`` with API errors translated."""
    with api_errors(settings, what):
        return fn()


# The repository config whose ``roles:`` map approval roles to teams.
CONFIG_FILE = ".mrm-gate.yml"

# ``org/team-slug`` as GitHub spells them: an organisation login and a team slug, nothing
# a URL path could normalise into another endpoint (``..``, a second ``/``, ``%2F``).
_TEAM = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9](?:[A-Za-z0-9_-]{0,99})$")


@dataclass(frozen=True)
class RoleTeams:
    """The ``roles:`` section of ``.mrm-gate.yml``: approval role -> ``org/team-slug``."""

    teams: dict[str, str]

    @classmethod
    def load(cls, path: Path) -> RoleTeams:
        if not path.exists():
            return cls({})
        try:
            text = path.read_text("utf-8")
        except OSError as exc:
            raise UsageError(f"{path}: cannot read the configuration: {exc}") from None
        return cls.parse(text, str(path))

    @classmethod
    def parse(cls, text: str, label: str) -> RoleTeams:
        """The ``roles:`` of the configuration ``text`` (``label`` names where it is from)."""
        try:
            doc = yaml.safe_load(text) or {}
        except (yaml.YAMLError, RecursionError) as exc:
            raise UsageError(f"{label}: cannot read the configuration: {exc}") from None
        roles = doc.get("roles", {}) if isinstance(doc, dict) else None
        if not isinstance(roles, dict):
            raise UsageError(f"{label}: 'roles' must map role names to org/team slugs")
        teams: dict[str, str] = {}
        for role, team in roles.items():
            if not isinstance(team, str) or not _TEAM.match(team):
                raise UsageError(
                    f"{label}: roles.{role} must be 'org/team-slug', not {team!r}",
                    hint="e.g. roles: {validator: my-org/model-validators}",
                )
            teams[str(role)] = team
        return cls(teams)
