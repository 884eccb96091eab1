"""Collecting the pull request and its approvals from the GitHub API.

Only what the API says counts; nothing in the repository or the bundle can add an
approval. The collector does not judge independence or staleness: it records facts
(who, which role, which commit, which digest, team membership) and the policy decides
(``policies/gate/lib/approvals``).

Rules:

* **Reviews**: per reviewer, the latest review in state APPROVED, CHANGES_REQUESTED or
  DISMISSED decides; when it is APPROVED it is an approval bound to its ``commit_id``
  (stale unless it is the head SHA). It counts for *every* role whose team the reviewer is
  an active member of; a reviewer in no role's team gives no approval.
* **Comments**: ``/approve <role> <digest prefix>`` is an approval of ``role`` bound to the
  digest it names; ``/revoke <role>`` cancels the same user's earlier approvals of the role
  (reviews included). Edited comments never approve (a revocation still counts: it can
  only take away). Bots never count.
* **Waivers**: a waiver of control ``X`` is the role ``waiver:X``, given only by a comment
  ``/approve waiver:X <digest prefix>``. Its team is the ``waiver`` entry of ``roles:`` (one
  team approves every waiver; an entry for the exact role, where a config can hold one,
  wins). A review never approves a waiver: it would waive every control at once.
* Team membership is checked at evaluation time: ``verified`` is true only when
  ``GET /orgs/{org}/teams/{slug}/memberships/{login}`` answers ``state: active``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from github import Github, GithubException
from github.PullRequest import PullRequest

from gate.github.client import GitHubSettings, RoleTeams, api_errors, call, make_client
from gate.github.commands import parse_commands

Collector = Callable[[str], tuple[dict[str, Any] | None, list[dict[str, Any]]]]

_DECISIVE = {"APPROVED", "CHANGES_REQUESTED", "DISMISSED"}

WAIVER_ROLE = "waiver"


def team_for(roles: RoleTeams, role: str) -> str:
    """The ``org/team`` holding ``role``, or "" when ``roles:`` maps none: the role's own
    entry, else for ``waiver:<control id>`` the ``waiver`` entry."""
    if role in roles.teams:
        return roles.teams[role]
    prefix, colon, control = role.partition(":")
    if prefix == WAIVER_ROLE and colon and control:
        return roles.teams.get(WAIVER_ROLE, "")
    return ""


def _iso(value: Any) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ") if value is not None else ""


def _login(user: Any) -> str:
    return str(user.login) if user is not None and user.login else ""


def _is_bot(user: Any) -> bool:
    return user is None or user.type == "Bot" or str(user.login or "").endswith("[bot]")


@dataclass
class Membership:
    """Team membership checks, cached per (team, login) for one evaluation."""

    gh: Github
    settings: GitHubSettings
    cache: dict[tuple[str, str], bool] = field(default_factory=dict)

    def is_member(self, team: str, login: str) -> bool:
        key = (team, login)
        if key not in self.cache:
            self.cache[key] = self._check(team, login)
        return self.cache[key]

    def _check(self, team: str, login: str) -> bool:
        org, slug = team.split("/")
        path = f"/orgs/{org}/teams/{slug}/memberships/{login}"
        with api_errors(self.settings, f"checking {login}'s membership of {team}"):
            try:
                _, data = self.gh.requester.requestJsonAndCheck("GET", path)
            except GithubException as exc:
                if exc.status == 404:
                    return False
                raise
        return isinstance(data, dict) and data.get("state") == "active"


def pull_request_context(pr: PullRequest, settings: GitHubSettings) -> dict[str, Any]:
    """The facts about ``pr`` the policy needs to judge independence."""
    commits: list[dict[str, str]] = []
    unmapped: list[str] = []
    with api_errors(settings, f"listing the commits of pull request #{pr.number}"):
        for commit in pr.get_commits():
            author, committer = _login(commit.author), _login(commit.committer)
            commits.append({"sha": commit.sha, "author": author, "committer": committer})
            if not author or not committer:
                unmapped.append(commit.sha)
    return {
        "number": pr.number,
        "author": _login(pr.user),
        "head_sha": pr.head.sha,
        "base_ref": pr.base.ref,
        "commits": commits,
        "unmapped_commits": unmapped,
    }


def _approval(
    role: str,
    login: str,
    via: str,
    url: str,
    at: str,
    commit_sha: str,
    digest: str,
    team: str,
    verified: bool,
) -> dict[str, Any]:
    return {
        "role": role,
        "login": login,
        "via": via,
        "url": url,
        "at": at,
        "commit_sha": commit_sha,
        "bundle_digest": digest,
        "team": team,
        "verified": verified,
    }


def collect_approvals(
    pr: PullRequest, digest: str, roles: RoleTeams, members: Membership, settings: GitHubSettings
) -> list[dict[str, Any]]:
    """Every approval given in ``pr``, with the facts the policy judges it by."""
    hex_digest = digest.removeprefix("sha256:")
    events: list[tuple[str, int, str, dict[str, Any]]] = []

    with api_errors(settings, f"listing the reviews of pull request #{pr.number}"):
        latest: dict[str, Any] = {}
        for review in pr.get_reviews():
            if _is_bot(review.user) or review.state not in _DECISIVE:
                continue
            latest[_login(review.user)] = review
    for login, review in latest.items():
        if review.state != "APPROVED":
            continue
        at = _iso(review.submitted_at)
        for role, team in sorted(roles.teams.items()):
            if role == WAIVER_ROLE or role.startswith(WAIVER_ROLE + ":"):
                continue  # waivers are approved one control at a time, by comment
            if members.is_member(team, login):
                events.append(
                    (
                        at,
                        0,
                        "approve",
                        _approval(
                            role,
                            login,
                            "review",
                            review.html_url or "",
                            at,
                            review.commit_id or "",
                            digest,
                            team,
                            True,
                        ),
                    )
                )

    with api_errors(settings, f"listing the comments of pull request #{pr.number}"):
        comments = list(pr.get_issue_comments())
    for comment in comments:
        user = comment.user
        if _is_bot(user):
            continue
        login = _login(user)
        edited = comment.updated_at != comment.created_at
        at = _iso(comment.created_at)
        for command in parse_commands(comment.body or ""):
            if command.kind == "revoke":
                events.append((at, 1, "revoke", {"role": command.role, "login": login}))
                continue
            if edited:
                continue
            # A prefix of another bundle's digest: bound to no current digest, so stale.
            named = digest if hex_digest.startswith(command.digest_prefix) else ""
            team = team_for(roles, command.role)
            verified = bool(team) and members.is_member(team, login)
            events.append(
                (
                    at,
                    1,
                    "approve",
                    _approval(
                        command.role,
                        login,
                        "comment",
                        comment.html_url or "",
                        at,
                        "",
                        named,
                        team,
                        verified,
                    ),
                )
            )

    approvals: list[dict[str, Any]] = []
    for _, _, kind, item in sorted(events, key=lambda e: (e[0], e[1])):
        if kind == "revoke":
            approvals = [
                a
                for a in approvals
                if not (a["login"] == item["login"] and a["role"] == item["role"])
            ]
        else:
            approvals.append(item)
    return approvals


def _find_pull_request(gh: Github, settings: GitHubSettings) -> PullRequest | None:
    repo = call(settings, "reading the repository", lambda: gh.get_repo(settings.repository))
    number = settings.pull_number
    if number is not None:
        return call(settings, f"reading pull request #{number}", lambda: repo.get_pull(number))
    if not settings.sha:
        return None
    # A push or deployment: the pull request that introduced the commit.
    with api_errors(settings, f"finding the pull request of commit {settings.sha[:12]}"):
        pulls = list(repo.get_commit(settings.sha).get_pulls())
    for pr in pulls:
        if pr.merge_commit_sha == settings.sha or pr.head.sha == settings.sha:
            return pr
    return None


def collector_from_env(config_path: Path) -> Collector:
    """A collector reading the Actions environment (see :class:`GitHubSettings`) and the
    role-to-team map in ``config_path``."""
    settings = GitHubSettings.from_env()
    roles = RoleTeams.load(config_path)

    def collect(digest: str) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
        gh = make_client(settings)
        pr = _find_pull_request(gh, settings)
        if pr is None:
            return None, []
        context = pull_request_context(pr, settings)
        approvals = collect_approvals(pr, digest, roles, Membership(gh, settings), settings)
        return context, approvals

    return collect
