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
* **Comments**: ``/approve <role> <digest>`` (the whole sha256) is an approval of
  ``role`` bound to the digest it names; ``/revoke <role>`` cancels the same user's
  earlier approvals of the role (reviews included). Edited comments never approve (a
  revocation still counts: it can only take away). Bots never count.
* **Waivers**: a waiver of control ``X`` is the role ``waiver:X``, given only by a comment
  ``/approve waiver:X <digest>``. Its team is the ``waiver`` entry of ``roles:`` (one
  team approves every waiver; an entry for the exact role, where a config can hold one,
  wins). A review never approves a waiver: it would waive every control at once.
* Team membership is checked at evaluation time: ``verified`` is true only when
  ``GET /orgs/{org}/teams/{slug}/memberships/{login}`` answers ``state: active``.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from github import Github, GithubException
from github.PullRequest import PullRequest

from gate.errors import ReportingError
from gate.github.client import (
    CONFIG_FILE,
    GitHubSettings,
    RoleTeams,
    api_errors,
    call,
    make_client,
)
from gate.github.commands import digest_named, parse_commands

Facts = tuple[dict[str, Any] | None, list[dict[str, Any]]]

_SHA = re.compile(r"^[0-9a-f]{40}$")
_CO_AUTHOR = re.compile(r"^[ \t]*co-authored-by:[^<\n]*<(?P<email>[^>\n]+)>", re.I | re.M)
_NOREPLY = re.compile(r"^(?:\d+\+)?(?P<login>[a-z0-9-]+)@users\.noreply\.github\.com$")
# Events whose commit is a pull request's head: the PR comes from the payload.
PULL_REQUEST_EVENTS = frozenset(
    {
        "pull_request",
        "pull_request_target",
        "pull_request_review",
        "pull_request_review_comment",
        "issue_comment",
    }
)

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
    """A GitHub login, lower-cased: logins are case-insensitive on GitHub."""
    return str(user.login).lower() if user is not None and user.login else ""


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
        org, slug = (quote(part, safe="") for part in team.split("/"))
        path = f"/orgs/{org}/teams/{slug}/memberships/{quote(login, safe='')}"
        with api_errors(
            self.settings,
            f"checking {login}'s membership of {team}",
            "the organisation permission Members: read",
        ):
            try:
                _, data = self.gh.requester.requestJsonAndCheck("GET", path)
            except GithubException as exc:
                if exc.status == 404:
                    return False
                raise
        return isinstance(data, dict) and data.get("state") == "active"


def _trailer_logins(message: str, known: dict[str, str]) -> tuple[list[str], list[str]]:
    """The logins of the ``Co-authored-by`` co-authors in a commit message, and the e-mail
    addresses of those the gate cannot link to a login. A suggestion applied in the web UI
    is such a commit: its suggester is a co-author."""
    logins: list[str] = []
    unknown: list[str] = []
    for match in _CO_AUTHOR.finditer(message):
        email = match.group("email").strip().lower()
        noreply = _NOREPLY.match(email)
        login = noreply.group("login") if noreply else known.get(email, "")
        if login:
            logins.append(login.lower())
        else:
            unknown.append(email)
    return logins, unknown


def _head_sha(pr: PullRequest, settings: GitHubSettings) -> str:
    """The pull request's head commit; an answer without one is a platform fault."""
    with api_errors(settings, f"reading the head of pull request #{pr.number}"):
        head = pr.head
        sha = head.sha if head is not None else None
    if not isinstance(sha, str) or not _SHA.match(sha):
        raise ReportingError(
            f"GitHub answered pull request #{pr.number} without a head commit",
            hint="re-run the job; if it persists, GitHub's API is answering wrongly",
        )
    return sha


def _listed_commits(pr: PullRequest, settings: GitHubSettings) -> list[Any]:
    """Every commit of ``pr``; fails closed when GitHub's listing (capped at 250) holds
    fewer than the pull request's ``commits`` count: the rest could be anyone's."""
    with api_errors(settings, f"listing the commits of pull request #{pr.number}"):
        listed = list(pr.get_commits())
        count = pr.commits
    if not isinstance(count, int) or len(listed) < count:
        raise ReportingError(
            f"pull request #{pr.number} has {count} commits but GitHub lists {len(listed)} "
            "(its pull-request commit listing stops at 250): the gate cannot see who wrote "
            "the others, so no approval can be proven independent",
            hint="split the change into pull requests of at most 250 commits, or squash it",
        )
    return listed


def pull_request_context(pr: PullRequest, settings: GitHubSettings) -> dict[str, Any]:
    """The facts about ``pr`` the policy needs to judge independence and provenance.

    Logins are lower-cased: GitHub logins are case-insensitive.
    """
    head_sha = _head_sha(pr, settings)
    listed = _listed_commits(pr, settings)
    commits: list[dict[str, Any]] = []
    unmapped: list[str] = []
    with api_errors(settings, f"reading the commits of pull request #{pr.number}"):
        known = _known_emails(listed)
        for commit in listed:
            author, committer = _login(commit.author), _login(commit.committer)
            co_authors, unknown = _trailer_logins(commit.commit.message or "", known)
            commits.append(
                {
                    "sha": commit.sha,
                    "author": author,
                    "committer": committer,
                    "co_authors": sorted(set(co_authors)),
                }
            )
            if not author or not committer or unknown:
                unmapped.append(commit.sha)
        merged_at = pr.merged_at
        context = {
            "number": pr.number,
            "author": _login(pr.user),
            "head_sha": head_sha,
            "base_ref": pr.base.ref,
            "state": pr.state,
            "merged": merged_at is not None,
            "merge_commit_sha": pr.merge_commit_sha or "",
            "commits": commits,
            "unmapped_commits": unmapped,
        }
    return context


def _known_emails(listed: list[Any]) -> dict[str, str]:
    """E-mail address -> login, from the commits whose author GitHub linked to an account."""
    known: dict[str, str] = {}
    for commit in listed:
        for person, user in (
            (commit.commit.author, commit.author),
            (commit.commit.committer, commit.committer),
        ):
            login = _login(user)
            if login and person is not None and person.email:
                known[str(person.email).lower()] = login
    return known


def _approval(
    *,
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


# (at, order within the same second: reviews first, kind, the approval or the revocation)
_Event = tuple[str, int, str, dict[str, Any]]


def collect_approvals(
    pr: PullRequest, digest: str, roles: RoleTeams, members: Membership, settings: GitHubSettings
) -> list[dict[str, Any]]:
    """Every approval given in ``pr``, with the facts the policy judges it by."""
    events = _review_events(pr, digest, roles, members, settings)
    events += _comment_events(pr, digest, roles, members, settings)
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


def _review_events(
    pr: PullRequest, digest: str, roles: RoleTeams, members: Membership, settings: GitHubSettings
) -> list[_Event]:
    """One approval per role of the team each approving reviewer (latest review) is in."""
    hex_digest = digest.removeprefix("sha256:")
    events: list[_Event] = []
    with api_errors(settings, f"listing the reviews of pull request #{pr.number}"):
        latest: dict[str, Any] = {}
        for review in pr.get_reviews():
            if _is_bot(review.user) or review.state not in _DECISIVE:
                continue
            latest[_login(review.user)] = review
    approving = {login: r for login, r in latest.items() if r.state == "APPROVED"}
    # REST gives a review no edit time; anyone who may edit it could rewrite its digest.
    rewritten = edited_comments(members.gh, settings, [str(r.node_id) for r in approving.values()])
    for login, review in approving.items():
        at = _iso(review.submitted_at)
        # A review is bound to the digest its body names when it was given: evidence
        # changed at the same commit makes it stale like a new commit does, and so does
        # a body edited after it was submitted (the digest may not be the approver's).
        edited = str(review.node_id) in rewritten
        named = digest if not edited and digest_named(review.body or "", hex_digest) else ""
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
                            role=role,
                            login=login,
                            via="review",
                            url=review.html_url or "",
                            at=at,
                            commit_sha=review.commit_id or "",
                            digest=named,
                            team=team,
                            verified=True,
                        ),
                    )
                )
    return events


def _comment_events(
    pr: PullRequest, digest: str, roles: RoleTeams, members: Membership, settings: GitHubSettings
) -> list[_Event]:
    """The approvals and revocations given by comment; an edited comment approves nothing."""
    hex_digest = digest.removeprefix("sha256:")
    events: list[_Event] = []
    with api_errors(settings, f"listing the comments of pull request #{pr.number}"):
        comments = list(pr.get_issue_comments())
    approving = [
        c for c in comments if any(k.kind == "approve" for k in parse_commands(c.body or ""))
    ]
    rewritten = edited_comments(members.gh, settings, [str(c.node_id) for c in approving])
    for comment in comments:
        user = comment.user
        if _is_bot(user):
            continue
        login = _login(user)
        # REST timestamps are whole seconds: an edit within the second the comment was
        # posted leaves updated_at == created_at. GitHub's edit history tells.
        edited = comment.updated_at != comment.created_at or str(comment.node_id) in rewritten
        at = _iso(comment.created_at)
        for command in parse_commands(comment.body or ""):
            if command.kind == "revoke":
                events.append((at, 1, "revoke", {"role": command.role, "login": login}))
                continue
            if edited:
                continue
            # Another bundle's digest: bound to no current digest, so stale.
            named = digest if command.digest == hex_digest else ""
            team = team_for(roles, command.role)
            verified = bool(team) and members.is_member(team, login)
            events.append(
                (
                    at,
                    1,
                    "approve",
                    _approval(
                        role=command.role,
                        login=login,
                        via="comment",
                        url=comment.html_url or "",
                        at=at,
                        commit_sha="",
                        digest=named,
                        team=team,
                        verified=verified,
                    ),
                )
            )
    return events


_EDITS_QUERY = """
query($ids: [ID!]!) {
  nodes(ids: $ids) {
    ... on IssueComment { id lastEditedAt includesCreatedEdit }
    ... on PullRequestReview { id lastEditedAt includesCreatedEdit }
  }
}
"""


def edited_comments(gh: Github, settings: GitHubSettings, node_ids: list[str]) -> set[str]:
    """The node ids among ``node_ids`` of comments or reviews ever edited, read from
    GitHub's GraphQL edit history (``lastEditedAt``, ``includesCreatedEdit``). An answer
    that does not cover every one fails closed."""
    edited: set[str] = set()
    for start in range(0, len(node_ids), 100):
        batch = node_ids[start : start + 100]
        with api_errors(settings, "reading the edit history of the approving comments and reviews"):
            _, data = gh.requester.graphql_query(_EDITS_QUERY, {"ids": batch})
            nodes = data["data"]["nodes"]
            if not isinstance(nodes, list) or len(nodes) != len(batch):
                raise ValueError("nodes")
            for wanted, node in zip(batch, nodes, strict=True):
                if not isinstance(node, dict) or node.get("id") != wanted:
                    raise ValueError("node")
                if node.get("lastEditedAt") is not None or node.get("includesCreatedEdit"):
                    edited.add(wanted)
    return edited


def event_commit(settings: GitHubSettings) -> str:
    """The commit the run is for: the deployment's ``sha`` for deployment events, else
    ``GITHUB_SHA`` (a push's tip, a dispatched ref's head)."""
    deployment = settings.event.get("deployment")
    if settings.event_name in ("deployment", "deployment_status") and isinstance(deployment, dict):
        sha = deployment.get("sha")
        return sha if isinstance(sha, str) else ""
    return settings.sha


def _find_pull_request(gh: Github, settings: GitHubSettings) -> PullRequest | None:
    """The pull request the run judges, as GitHub defines each event's commit.

    Pull-request events and comments on a pull request name it in the payload (never the
    merge ref or the default branch's head that ``GITHUB_SHA`` holds there). Any other run
    (push, workflow_dispatch, deployment) is of a commit; it counts only as the merge commit
    of a pull request merged into the default branch, whose approvals then count. The head
    of a closed, never-merged pull request, or a commit no pull request merged, has none.
    """
    repo = call(settings, "reading the repository", lambda: gh.get_repo(settings.repository))
    number = settings.pull_number
    if number is not None:
        pr = call(settings, f"reading pull request #{number}", lambda: repo.get_pull(number))
        _refuse_fork_code_with_secrets(pr, settings)
        return pr
    sha = event_commit(settings)
    if settings.event_name in PULL_REQUEST_EVENTS or not sha:
        return None
    with api_errors(settings, f"finding the pull request that merged commit {sha[:12]}"):
        default_branch = repo.default_branch
        for pr in repo.get_commit(sha).get_pulls():
            merged = pr.merged_at is not None and pr.merge_commit_sha == sha
            if merged and pr.base.ref == default_branch:
                return pr
    return None


# A fork's pull_request and pull_request_review runs get a read-only token and no
# secrets; every other run of a fork's open pull request (a comment, pull_request_target)
# runs in the base repository with its secrets, and the workflow checks out and runs the
# fork's training code (reproduce) in that job.
_FORK_RUNS_WITHOUT_SECRETS = frozenset({"pull_request", "pull_request_review"})


def _refuse_fork_code_with_secrets(pr: PullRequest, settings: GitHubSettings) -> None:
    """Stop before the fork's code runs where the membership token is: exit 3."""
    if settings.event_name in _FORK_RUNS_WITHOUT_SECRETS or pr.merged_at is not None:
        return
    with api_errors(settings, f"reading the head repository of pull request #{pr.number}"):
        head_repo = pr.head.repo
        name = head_repo.full_name if head_repo is not None else ""
    if name and name.lower() == settings.repository.lower():
        return
    raise ReportingError(
        f"pull request #{pr.number} comes from "
        + (f"the fork {name}" if name else "a deleted fork")
        + f": this {settings.event_name} run holds the repository's secrets, and the gate "
        "would check out and run the fork's code (the training it reproduces) beside them",
        hint=f"push the commits to a branch of {settings.repository} and open the pull "
        "request from that branch; the gate judges no fork's code in a run with secrets",
    )


def refuse_fork_pull_request(settings: GitHubSettings) -> None:
    """Exit 3 when the run is of a fork's open pull request in the repository's own context
    (a comment, pull_request_target): `reproduce --github` asks before the fork's training
    would run on a runner of the repository, beside its cache and its token."""
    if settings.pull_number is not None and settings.event_name not in _FORK_RUNS_WITHOUT_SECRETS:
        _find_pull_request(make_client(settings), settings)


def roles_ref(gh: Github, pr: PullRequest, settings: GitHubSettings) -> str:
    """The commit or branch whose ``roles:`` judge ``pr``: its base branch, and for a
    merged pull request the base branch just before it landed (the merge commit's first
    parent), so a merged change to ``.mrm-gate.yml`` never names its own approvers."""
    with api_errors(settings, f"reading the base branch of pull request #{pr.number}"):
        merge_sha = pr.merge_commit_sha if pr.merged_at is not None else None
        if not merge_sha:
            return str(pr.base.ref)
        repo = gh.get_repo(settings.repository)
        parents = repo.get_commit(merge_sha).parents
        if not parents:
            raise ValueError("parents")
        return str(parents[0].sha)


def file_at(gh: Github, settings: GitHubSettings, path: str, ref: str) -> str:
    """The text of ``path`` at ``ref``, read through GitHub (``GET /contents/{path}``):
    the copy the pull request cannot change. Missing, unreadable or not a file: exit 3."""
    where = f"{path} at {ref}"
    url = f"/repos/{settings.repository}/contents/{quote(path)}"
    with api_errors(settings, f"reading {where}", "the repository permission Contents: read"):
        try:
            _, data = gh.requester.requestJsonAndCheck("GET", url, parameters={"ref": ref})
        except GithubException as exc:
            if exc.status != 404:
                raise
            raise ReportingError(
                settings.scrub(
                    f"{where}: GitHub answered 404 (no such file, or the token may not read it)"
                ),
                hint=f"the gate takes the role -> team map only from the base branch, never "
                f"from the pull request: commit {path} with its roles: to the base branch, "
                "and give the token Contents: read",
            ) from None
    answer = data if isinstance(data, dict) else {}
    content = answer.get("content")
    is_file = answer.get("type") == "file" and answer.get("encoding") == "base64"
    if not is_file or not isinstance(content, str):
        raise ReportingError(
            settings.scrub(f"{where}: GitHub did not answer a base64 file"),
            hint=f"{path} must be a regular file under 1 MB on the base branch",
        )
    try:
        return base64.b64decode(content, validate=False).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise ReportingError(
            settings.scrub(f"{where}: GitHub's base64 content does not decode as UTF-8 text"),
            hint="re-run the job; if it persists, GitHub's API is answering wrongly",
        ) from None


def base_roles(gh: Github, pr: PullRequest, settings: GitHubSettings) -> RoleTeams:
    """The ``roles:`` of ``.mrm-gate.yml`` on the base branch of ``pr`` (:func:`roles_ref`)."""
    ref = roles_ref(gh, pr, settings)
    return RoleTeams.parse(file_at(gh, settings, CONFIG_FILE, ref), f"{CONFIG_FILE} at {ref}")


class GitHubCollector:
    """Collects the pull request and its approvals for one run (see the module doc).

    :meth:`head_commit` names the commit the run judges, which the bundle digest binds;
    calling the collector with that digest returns the pull-request context and approvals.
    The pull request is read once, so both name the same head.
    """

    def __init__(self, settings: GitHubSettings, roles: RoleTeams | None) -> None:
        self.settings, self.roles = settings, roles
        self._gh = make_client(settings)
        self._pr: PullRequest | None = None
        self._read = False

    def pull_request(self) -> PullRequest | None:
        if not self._read:
            self._pr, self._read = _find_pull_request(self._gh, self.settings), True
        return self._pr

    def head_commit(self) -> str | None:
        pr = self.pull_request()
        return _head_sha(pr, self.settings) if pr is not None else None

    def __call__(self, digest: str) -> Facts:
        pr = self.pull_request()
        if pr is None:
            return None, []
        context = pull_request_context(pr, self.settings)
        members = Membership(self._gh, self.settings)
        roles = self.roles if self.roles is not None else base_roles(self._gh, pr, self.settings)
        return context, collect_approvals(pr, digest, roles, members, self.settings)


def collector_from_env(config_path: Path | None) -> GitHubCollector:
    """A collector reading the Actions environment (see :class:`GitHubSettings`) and the
    role-to-team map in ``config_path`` (a checkout of the base branch), or when None the
    base branch's ``.mrm-gate.yml`` through GitHub (:func:`base_roles`)."""
    roles = RoleTeams.load(config_path) if config_path is not None else None
    return GitHubCollector(GitHubSettings.from_env(), roles)
