"""A small GitHub REST API on 127.0.0.1 for tests, with in-memory state and GitHub's
semantics (see /work/shared/github-samples for the real shapes and their sources).

It speaks the shapes PyGithub reads: pull requests (open, closed, merged, with their
``commits`` count), their commits (the listing stops at 250, like GitHub's), reviews (with
body and ``commit_id``) and issue comments (``created_at``/``updated_at`` at one-second
resolution), team memberships, check runs with the app that posted each, commit statuses,
classic branch protection and rulesets, the pull requests of a commit, the authenticated
user, a file at a ref (``GET /contents/{path}?ref=``, read from ``git_dir``, the local git
repository the server hosts). Lists are paginated with ``Link`` headers.

Tokens behave like GitHub's: the workflow ``GITHUB_TOKEN`` (``workflow_token``) gets 403
"Resource not accessible by integration" on branch protection and team membership, an App
installation token (``token``) can read them, an installation token of an App without
the organisation Members permission (``no_members_token``) gets that 403 on team
membership only, a fork pull request's token (``fork_token``) is read-only as well. A
ruleset (``GET /rulesets/{id}``) names its bypass actors to App installation tokens only
(GitHub shows them to who may administer the ruleset). Failures are injected on demand:
a rate limit (403 or 429 with ``x-ratelimit-remaining: 0``), a 500, a raw body (garbage,
truncated JSON), a redirect.
"""

from __future__ import annotations

import base64
import datetime as _dt
import hashlib
import itertools
import json
import re
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

# The server's own clock starts here unless told otherwise, and moves a minute per event;
# GitHub's timestamps are whole seconds.
START = _dt.datetime(2026, 11, 30, 9, 0, 0, tzinfo=_dt.UTC)
# GitHub Actions' own app (the GITHUB_TOKEN posts as it) and the organisation's gate App.
ACTIONS_APP = {"id": 15368, "slug": "github-actions", "name": "GitHub Actions"}
GATE_APP = {"id": 904211, "slug": "acme-mrm-gate", "name": "acme mrm-gate"}
# GitHub's own limit on GET /pulls/{n}/commits.
PULL_COMMITS_CAP = 250
INTEGRATION_403 = "Resource not accessible by integration"
RESET_EPOCH = 1796040000  # 2026-12-01T...Z, reported in x-ratelimit-reset


def _iso(when: _dt.datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Failure:
    method: str
    pattern: re.Pattern[str]
    status: int
    body: Any
    headers: dict[str, str]
    times: int
    raw: bytes | None = None


@dataclass
class Pull:
    number: int
    author: str
    head_sha: str
    base_ref: str = "main"
    commits: list[dict[str, Any]] = field(default_factory=list)
    reviews: list[dict[str, Any]] = field(default_factory=list)
    comments: list[dict[str, Any]] = field(default_factory=list)
    merge_commit_sha: str | None = None
    state: str = "open"
    merged_at: str | None = None
    created_at: str = ""
    # The head repository's full name when the pull request comes from a fork.
    fork: str | None = None


class GitHubServer:
    """The state and the HTTP server. Tests drive it through the helper methods."""

    def __init__(
        self,
        *,
        owner: str = "acme-bank",
        repo: str = "credit-pd-retail",
        token: str = "ghs_test_token",
        workflow_token: str = "ghs_workflow_token",
        fork_token: str = "ghs_fork_token",
        no_members_token: str = "ghs_app_without_members_token",
        page_size: int = 2,
        start: _dt.datetime = START,
        git_dir: Path | None = None,
    ) -> None:
        self.start = start
        # The repository's files and commits (GET /contents, a commit's parents): a local
        # git repository, as GitHub hosts it; None: a repository without files.
        self.git_dir = git_dir
        self.owner, self.repo, self.token, self.page_size = owner, repo, token, page_size
        self.workflow_token, self.fork_token = workflow_token, fork_token
        self.no_members_token = no_members_token
        # token -> what it is: an App installation token, the workflow GITHUB_TOKEN, or the
        # read-only GITHUB_TOKEN of a fork's pull request.
        self.token_kinds = {
            token: "app",
            workflow_token: "workflow",
            fork_token: "fork",
            no_members_token: "app-without-members",
        }
        self.default_branch = "main"
        self.statuses: list[dict[str, Any]] = []
        self.rulesets: dict[str, list[dict[str, Any]]] = {}
        self.ruleset_bypass: dict[int, list[dict[str, Any]]] = {}  # ruleset id -> actors
        self.current_token = token
        self.users: dict[str, str] = {}  # login -> type
        self.pulls: dict[int, Pull] = {}
        self.teams: dict[str, dict[str, str]] = {}  # "org/slug" -> login -> state
        self.check_runs: dict[int, dict[str, Any]] = {}
        self.me = "github-actions[bot]"
        self.user_endpoint_forbidden = True  # like the Actions GITHUB_TOKEN
        self.failures: list[Failure] = []
        self.requests: list[tuple[str, str]] = []
        self.seen_headers: list[dict[str, str]] = []
        self._ids = itertools.count(1000)
        self._clock = itertools.count(1)
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @classmethod
    @contextmanager
    def running(cls, **kwargs: Any) -> Iterator[GitHubServer]:
        server = cls(**kwargs)
        server._thread.start()
        try:
            yield server
        finally:
            server._httpd.shutdown()
            server._httpd.server_close()

    # ------------------------------------------------------------------ test helpers

    def tick(self) -> str:
        return _iso(self.start + _dt.timedelta(minutes=next(self._clock)))

    def now(self) -> str:
        """The server's current second, without moving the clock (an edit within it)."""
        return _iso(self.start + _dt.timedelta(minutes=next(self._clock) - 1))

    def add_user(self, login: str, kind: str = "User") -> None:
        self.users[login] = kind

    def add_member(self, team: str, login: str, state: str = "active") -> None:
        self.teams.setdefault(team, {})[login] = state
        self.users.setdefault(login, "User")

    def open_pull(
        self, number: int, author: str, commits: list[tuple[str, str, str]], base_ref: str = "main"
    ) -> Pull:
        """``commits``: (sha, author login, committer login); "" for a commit whose
        author has no GitHub account."""
        self.users.setdefault(author, "User")
        pull = Pull(number, author, commits[-1][0], base_ref, created_at=self.tick())
        self.pulls[number] = pull
        for sha, who, committer in commits:
            self._add_commit(pull, sha, who, committer)
        return pull

    def push(
        self,
        number: int,
        sha: str,
        author: str,
        committer: str | None = None,
        *,
        message: str = "Update the model",
    ) -> None:
        pull = self.pulls[number]
        self._add_commit(pull, sha, author, author if committer is None else committer, message)
        pull.head_sha = sha

    def _add_commit(
        self, pull: Pull, sha: str, author: str, committer: str, message: str = "Update the model"
    ) -> None:
        for login in (author, committer):
            if login:
                self.users.setdefault(login, "User")
        pull.commits.append(
            {
                "sha": sha,
                "author": author,
                "committer": committer,
                "date": self.tick(),
                "message": message,
            }
        )

    def review(
        self,
        number: int,
        login: str,
        state: str = "APPROVED",
        commit_id: str | None = None,
        body: str = "",
    ) -> dict[str, Any]:
        pull = self.pulls[number]
        self.users.setdefault(login, "User")
        review = {
            "id": next(self._ids),
            "login": login,
            "state": state,
            "commit_id": commit_id or pull.head_sha,
            "submitted_at": self.tick(),
            "body": body,
        }
        pull.reviews.append(review)
        return review

    def edit_review(self, review_id: int, body: str) -> None:
        """Rewrite a review's body (PUT .../reviews/{id}), as its author can. REST keeps
        no trace of it; GraphQL's edit history does."""
        for pull in self.pulls.values():
            for review in pull.reviews:
                if review["id"] == review_id:
                    review["body"] = body
                    review.setdefault("edits", []).append(self.tick())
                    return
        raise KeyError(review_id)

    def dismiss(self, number: int, review_id: int) -> None:
        for review in self.pulls[number].reviews:
            if review["id"] == review_id:
                review["state"] = "DISMISSED"

    def comment(
        self, number: int, login: str, body: str, *, edited: bool = False
    ) -> dict[str, Any]:
        pull = self.pulls[number]
        self.users.setdefault(login, "User")
        created = self.tick()
        item = {
            "id": next(self._ids),
            "login": login,
            "body": body,
            "created_at": created,
            "updated_at": self.tick() if edited else created,
        }
        if edited:
            item["edits"] = [item["updated_at"]]
        pull.comments.append(item)
        return item

    def edit_comment(self, comment_id: int, body: str, *, same_second: bool = False) -> None:
        """Rewrite a comment, as its author or an admin can. Within the second it was
        posted, ``updated_at`` stays equal to ``created_at`` (whole-second timestamps)."""
        for pull in self.pulls.values():
            for item in pull.comments:
                if item["id"] == comment_id:
                    item["body"] = body
                    item["updated_at"] = item["created_at"] if same_second else self.tick()
                    item.setdefault("edits", []).append(item["updated_at"])
                    return
        raise KeyError(comment_id)

    def merge(self, number: int, sha: str) -> None:
        """Merge the pull request: ``sha`` is its merge commit on the base branch."""
        pull = self.pulls[number]
        pull.merge_commit_sha, pull.state, pull.merged_at = sha, "closed", self.tick()

    def close(self, number: int) -> None:
        """Close the pull request without merging it."""
        self.pulls[number].state = "closed"

    def test_merge_sha(self, number: int) -> str:
        """The commit of ``refs/pull/N/merge``: what ``GITHUB_SHA`` is in a pull_request
        run (deterministic here; GitHub makes a new one whenever head or base moves)."""
        pull = self.pulls[number]
        return hashlib.sha1(f"merge {pull.head_sha} into {pull.base_ref}".encode()).hexdigest()

    def add_ruleset(
        self,
        branch: str,
        *rules: dict[str, Any],
        ruleset_id: int = 42,
        bypass_actors: list[dict[str, Any]] | None = None,
    ) -> None:
        """Active ruleset rules applying to ``branch`` (``GET /rules/branches/{b}``), and
        who may bypass the ruleset (none unless given)."""
        self.ruleset_bypass[ruleset_id] = list(bypass_actors or [])
        for rule in rules:
            item = {
                "ruleset_source_type": "Repository",
                "ruleset_source": f"{self.owner}/{self.repo}",
                "ruleset_id": ruleset_id,
                **rule,
            }
            self.rulesets.setdefault(branch, []).append(item)

    def require_workflow(
        self,
        branch: str,
        path: str = ".github/workflows/pr-gate.yml",
        *,
        ruleset_id: int = 77,
        bypass_actors: list[dict[str, Any]] | None = None,
    ) -> None:
        """A ruleset on ``branch`` with a ``workflows`` rule ("Require workflows to pass
        before merging"): GitHub runs ``path`` of this repository from ``branch``, whatever
        the pull request's copy says."""
        workflow = {"path": path, "repository_id": 1, "ref": f"refs/heads/{branch}"}
        rule = {"type": "workflows", "parameters": {"workflows": [workflow]}}
        self.add_ruleset(branch, rule, ruleset_id=ruleset_id, bypass_actors=bypass_actors)

    def add_status(
        self, sha: str, context: str, state: str = "success", creator: str = "ci-robot"
    ) -> dict[str, Any]:
        """A commit status (``POST /statuses/{sha}``) posted by ``creator``."""
        self.users.setdefault(creator, "User")
        status = {
            "id": next(self._ids),
            "sha": sha,
            "context": context,
            "state": state,
            "creator": creator,
            "created_at": self.tick(),
        }
        self.statuses.append(status)
        return status

    def fail(
        self,
        method: str,
        path_regex: str,
        status: int,
        *,
        times: int = 1,
        message: str = "Server Error",
        headers: dict[str, str] | None = None,
    ) -> None:
        self.failures.append(
            Failure(
                method,
                re.compile(path_regex),
                status,
                {"message": message},
                dict(headers or {}),
                times,
            )
        )

    def fail_raw(
        self,
        method: str,
        path_regex: str,
        status: int,
        raw: bytes,
        *,
        headers: dict[str, str] | None = None,
        times: int = 1000,
    ) -> None:
        """Answer with exactly ``raw`` (garbage, truncated JSON, an empty redirect)."""
        self.failures.append(
            Failure(method, re.compile(path_regex), status, None, dict(headers or {}), times, raw)
        )

    def rate_limit(self, method: str, path_regex: str, status: int = 403) -> None:
        self.fail(
            method,
            path_regex,
            status,
            times=1000,
            message="API rate limit exceeded for installation ID 4242.",
            headers={
                "x-ratelimit-remaining": "0",
                "x-ratelimit-limit": "5000",
                "x-ratelimit-reset": str(RESET_EPOCH),
            },
        )

    def comments_of(self, number: int) -> list[dict[str, Any]]:
        return self.pulls[number].comments

    # ------------------------------------------------------------------ JSON shapes

    @property
    def api(self) -> str:
        return self.url

    def user_json(self, login: str) -> dict[str, Any]:
        kind = self.users.get(login, "Bot" if login.endswith("[bot]") else "User")
        uid = abs(hash(login)) % 10_000_000
        return {
            "login": login,
            "id": uid,
            "node_id": f"U_{uid}",
            "type": kind,
            "site_admin": False,
            "url": f"{self.url}/users/{login}",
            "html_url": f"https://github.test/{login}",
        }

    def _repo_url(self) -> str:
        return f"{self.url}/repos/{self.owner}/{self.repo}"

    def _head_repo_json(self, pull: Pull) -> dict[str, Any]:
        """GitHub's ``head.repo``: the base repository, or the fork the head lives in."""
        full_name = pull.fork or f"{self.owner}/{self.repo}"
        owner, name = full_name.split("/", 1)
        return {
            "name": name,
            "full_name": full_name,
            "owner": {"login": owner},
            "fork": pull.fork is not None,
        }

    def pull_json(self, pull: Pull) -> dict[str, Any]:
        html = f"https://github.test/{self.owner}/{self.repo}/pull/{pull.number}"
        return {
            "id": 50_000 + pull.number,
            "number": pull.number,
            "state": pull.state,
            "title": f"Change {pull.number}",
            "user": self.user_json(pull.author),
            "url": f"{self._repo_url()}/pulls/{pull.number}",
            "html_url": html,
            "head": {
                "ref": f"feature-{pull.number}",
                "sha": pull.head_sha,
                "label": f"{self.owner}:feature-{pull.number}",
                "repo": self._head_repo_json(pull),
            },
            "base": {"ref": pull.base_ref, "sha": "0" * 40, "label": f"{self.owner}:main"},
            "issue_url": f"{self._repo_url()}/issues/{pull.number}",
            "comments_url": f"{self._repo_url()}/issues/{pull.number}/comments",
            "commits_url": f"{self._repo_url()}/pulls/{pull.number}/commits",
            "merge_commit_sha": pull.merge_commit_sha,
            "merged": pull.merged_at is not None,
            "merged_at": pull.merged_at,
            "created_at": pull.created_at,
            "commits": len(pull.commits),
            "draft": False,
        }

    def commit_json(self, commit: dict[str, Any]) -> dict[str, Any]:
        def person(login: str) -> dict[str, str]:
            name = login or "Anonymous Contributor"
            return {
                "name": name,
                "email": f"{name.replace(' ', '.')}@example.test",
                "date": commit["date"],
            }

        return {
            "sha": commit["sha"],
            "node_id": f"C_{commit['sha'][:8]}",
            "url": f"{self._repo_url()}/commits/{commit['sha']}",
            "html_url": f"https://github.test/{self.owner}/{self.repo}/commit/{commit['sha']}",
            "commit": {
                "author": person(commit["author"]),
                "committer": person(commit["committer"]),
                "message": commit.get("message", "Update the model"),
                "comment_count": 0,
            },
            "author": self.user_json(commit["author"]) if commit["author"] else None,
            "committer": self.user_json(commit["committer"]) if commit["committer"] else None,
            "parents": [],
        }

    def review_json(self, pull: Pull, review: dict[str, Any]) -> dict[str, Any]:
        html = f"https://github.test/{self.owner}/{self.repo}/pull/{pull.number}"
        return {
            "id": review["id"],
            "node_id": f"R_{review['id']}",
            "user": self.user_json(review["login"]),
            "body": review.get("body", ""),
            "state": review["state"],
            "commit_id": review["commit_id"],
            "submitted_at": review["submitted_at"],
            "html_url": f"{html}#pullrequestreview-{review['id']}",
            "pull_request_url": f"{self._repo_url()}/pulls/{pull.number}",
            "author_association": "MEMBER",
        }

    def comment_json(self, pull: Pull, item: dict[str, Any]) -> dict[str, Any]:
        html = f"https://github.test/{self.owner}/{self.repo}/pull/{pull.number}"
        return {
            "id": item["id"],
            "node_id": f"IC_{item['id']}",
            "url": f"{self._repo_url()}/issues/comments/{item['id']}",
            "html_url": f"{html}#issuecomment-{item['id']}",
            "issue_url": f"{self._repo_url()}/issues/{pull.number}",
            "body": item["body"],
            "user": self.user_json(item["login"]),
            "created_at": item["created_at"],
            "updated_at": item["updated_at"],
            "author_association": "MEMBER",
        }

    def check_run_json(self, run: dict[str, Any]) -> dict[str, Any]:
        out = run["output"]
        return {
            "id": run["id"],
            "name": run["name"],
            "head_sha": run["head_sha"],
            "status": run["status"],
            "conclusion": run.get("conclusion"),
            "external_id": run.get("external_id", ""),
            "url": f"{self._repo_url()}/check-runs/{run['id']}",
            "html_url": f"https://github.test/{self.owner}/{self.repo}/runs/{run['id']}",
            "started_at": run["started_at"],
            "completed_at": run.get("completed_at"),
            "output": {
                "title": out.get("title"),
                "summary": out.get("summary"),
                "text": out.get("text"),
                "annotations_count": len(run["annotations"]),
                "annotations_url": f"{self._repo_url()}/check-runs/{run['id']}/annotations",
            },
            "app": dict(run.get("app") or ACTIONS_APP),
        }

    # ------------------------------------------------------------------ routing

    def _graphql(self, body: Any) -> tuple[int, Any, dict[str, str]]:
        """The one GraphQL query the gate makes: ``nodes(ids:)`` of issue comments and pull
        request reviews with ``lastEditedAt`` and ``includesCreatedEdit`` (GitHub's public
        schema: both implement the Comment interface). The edit
        history is kept even when an edit fell within the second the comment was posted."""
        query = str((body or {}).get("query", ""))
        ids = ((body or {}).get("variables") or {}).get("ids")
        if "nodes(ids:" not in query or "lastEditedAt" not in query or not isinstance(ids, list):
            return 200, {"errors": [{"message": "this test server answers one query only"}]}, {}
        by_node = {f"IC_{c['id']}": c for p in self.pulls.values() for c in p.comments}
        by_node |= {f"R_{r['id']}": r for p in self.pulls.values() for r in p.reviews}
        nodes = []
        for node_id in ids:
            item = by_node.get(node_id)
            if item is None:
                nodes.append(None)
                continue
            edits = item.get("edits") or []
            nodes.append(
                {
                    "id": node_id,
                    "lastEditedAt": edits[-1] if edits else None,
                    "includesCreatedEdit": bool(edits),
                }
            )
        return 200, {"data": {"nodes": nodes}}, {}

    def forbidden(self, method: str, path: str) -> tuple[int, Any, dict[str, str]] | None:
        """GitHub's answer when the token may not do this (PERMISSIONS.md): the workflow
        token has no Administration or organisation Members permission; a fork's token
        is read-only besides; an App may lack Members."""
        kind = self.token_kinds.get(self.current_token, "app")
        admin = re.fullmatch(r"/repos/[^/]+/[^/]+/branches/[^/]+/protection(/.*)?", path)
        members = re.fullmatch(r"/orgs/[^/]+/(teams/[^/]+/)?(members|memberships)(/.*)?", path)
        writes = method != "GET" and path != "/graphql"  # a GraphQL query only reads
        refused = {
            "app": False,
            "app-without-members": members is not None,
            "workflow": bool(admin or members),
            "fork": bool(admin or members or writes),
        }[kind]
        if refused:
            doc = "https://docs.github.com/rest"
            return 403, {"message": INTEGRATION_403, "documentation_url": doc, "status": "403"}, {}
        return None

    def handle(
        self, method: str, path: str, query: dict[str, list[str]], body: Any
    ) -> tuple[int, Any, dict[str, str]]:
        prefix = f"/repos/{self.owner}/{self.repo}"
        m = re.fullmatch
        if (reply := self.forbidden(method, path)) is not None:
            return reply
        if (reply := self._issues_endpoint(method, path, query, body)) is not None:
            return reply
        if (reply := self._platform_endpoint(method, path, query)) is not None:
            return reply
        if path == "/graphql" and method == "POST":
            return self._graphql(body)
        if (hit := m(rf"{prefix}/contents/(.+)", path)) and method == "GET":
            return self._contents(unquote(hit[1]), query.get("ref", [self.default_branch])[0])
        if path == "/user":
            if self.user_endpoint_forbidden:
                return 403, {"message": "Resource not accessible by integration"}, {}
            return 200, self.user_json(self.me), {}
        if path == prefix and method == "GET":
            return (
                200,
                {
                    "id": 1,
                    "name": self.repo,
                    "full_name": f"{self.owner}/{self.repo}",
                    "url": self._repo_url(),
                    "default_branch": self.default_branch,
                },
                {},
            )
        if hit := m(r"/orgs/([^/]+)/teams/([^/]+)/memberships/([^/]+)", path):
            members = self.teams.get(f"{hit[1]}/{hit[2]}", {})
            # GitHub logins are case-insensitive.
            state = next((v for k, v in members.items() if k.lower() == hit[3].lower()), None)
            if state is None:
                return 404, {"message": "Not Found"}, {}
            return (
                200,
                {
                    "state": state,
                    "role": "member",
                    "user": self.user_json(hit[3]),
                    "url": f"{self.url}/orgs/{hit[1]}/teams/{hit[2]}/memberships/{hit[3]}",
                },
                {},
            )
        if (hit := m(rf"{prefix}/pulls/(\d+)(/commits|/reviews)?", path)) and method == "GET":
            pull = self.pulls.get(int(hit[1]))
            if pull is None:
                return 404, {"message": "Not Found"}, {}
            if hit[2] == "/commits":
                listed = pull.commits[:PULL_COMMITS_CAP]  # GitHub lists at most 250
                return self._page(path, query, [self.commit_json(c) for c in listed])
            if hit[2] == "/reviews":
                return self._page(path, query, [self.review_json(pull, r) for r in pull.reviews])
            return 200, self.pull_json(pull), {}
        if (hit := m(rf"{prefix}/issues/(\d+)", path)) and method == "GET":
            pull = self.pulls.get(int(hit[1]))
            if pull is None:
                return 404, {"message": "Not Found"}, {}
            issue = self.pull_json(pull)
            issue["url"] = issue["issue_url"]
            issue["pull_request"] = {"url": f"{self._repo_url()}/pulls/{pull.number}"}
            return 200, issue, {}
        if hit := m(rf"{prefix}/issues/(\d+)/comments", path):
            pull = self.pulls.get(int(hit[1]))
            if pull is None:
                return 404, {"message": "Not Found"}, {}
            if method == "GET":
                return self._page(path, query, [self.comment_json(pull, c) for c in pull.comments])
            created = self.tick()
            item = {
                "id": next(self._ids),
                "login": self.me,
                "body": body["body"],
                "created_at": created,
                "updated_at": created,
            }
            pull.comments.append(item)
            return 201, self.comment_json(pull, item), {}
        if (hit := m(rf"{prefix}/issues/comments/(\d+)", path)) and method == "PATCH":
            for pull in self.pulls.values():
                for item in pull.comments:
                    if item["id"] == int(hit[1]):
                        item["body"], item["updated_at"] = body["body"], self.tick()
                        item.setdefault("edits", []).append(item["updated_at"])
                        return 200, self.comment_json(pull, item), {}
            return 404, {"message": "Not Found"}, {}
        if hit := m(rf"{prefix}/commits/([0-9a-f]{{40}})(/pulls)?", path):
            sha = hit[1]
            if hit[2]:
                pulls = [
                    self.pull_json(p)
                    for p in self.pulls.values()
                    if sha in (p.merge_commit_sha, p.head_sha)
                    or any(c["sha"] == sha for c in p.commits)
                ]
                return self._page(path, query, pulls)
            found = next(
                (c for p in self.pulls.values() for c in p.commits if c["sha"] == sha),
                {"sha": sha, "author": "", "committer": "", "date": self.tick()},
            )
            answer = self.commit_json(found)
            answer["parents"] = [
                {"sha": parent, "url": f"{self._repo_url()}/commits/{parent}"}
                for parent in self._parents(sha)
            ]
            return 200, answer, {}
        if (hit := m(rf"{prefix}/statuses/([0-9a-f]{{40}})", path)) and method == "POST":
            creator = (
                "github-actions[bot]"
                if self.token_kinds.get(self.current_token) != "app"
                else "acme-mrm-gate[bot]"
            )
            status = self.add_status(hit[1], body["context"], body["state"], creator)
            return 201, self.status_json(status), {}
        if path == f"{prefix}/check-runs" and method == "POST":
            return self._check_run(None, body)
        if (hit := m(rf"{prefix}/check-runs/(\d+)", path)) and method == "PATCH":
            return self._check_run(int(hit[1]), body)
        return 404, {"message": "Not Found", "documentation_url": "https://docs.github.com"}, {}

    def _check_run(
        self, run_id: int | None, body: dict[str, Any]
    ) -> tuple[int, Any, dict[str, str]]:
        output = body.get("output") or {}
        annotations = output.get("annotations") or []
        if len(annotations) > 50:
            return 422, {"message": "Only 50 annotations are allowed per request"}, {}
        for a in annotations:
            missing = {"path", "start_line", "end_line", "annotation_level", "message"} - set(a)
            if missing:
                return 422, {"message": f"annotation lacks {sorted(missing)}"}, {}
        if run_id is None:
            run_id = next(self._ids)
            self.check_runs[run_id] = {
                "id": run_id,
                "name": body["name"],
                "head_sha": body["head_sha"],
                "status": "queued",
                "started_at": self.tick(),
                "output": {},
                "annotations": [],
                "calls": 0,
                "app": GATE_APP
                if self.token_kinds.get(self.current_token) == "app"
                else ACTIONS_APP,
            }
        run = self.check_runs.get(run_id)
        if run is None:
            return 404, {"message": "Not Found"}, {}
        run["calls"] += 1
        for key in ("status", "conclusion", "completed_at", "name", "external_id"):
            if key in body:
                run[key] = body[key]
        if output:
            run["output"] = {k: v for k, v in output.items() if k != "annotations"}
            run["annotations"].extend(annotations)
        return (201 if run["calls"] == 1 else 200), self.check_run_json(run), {}

    # ------------------------------------------------------------------ issues (plain)
    # Repository issues that are not pull requests, used by `mrm-gate monitor --github`:
    # GET/POST /repos/{o}/{r}/issues and PATCH /repos/{o}/{r}/issues/{n}. Numbers are
    # allocated after any pull request's number, like GitHub's shared numbering.

    def add_issue(self, title: str, body: str, author: str, state: str = "open") -> int:
        """An issue written by someone (for tests: a look-alike the gate must not reuse)."""
        issues: dict[int, dict[str, Any]] = self.__dict__.setdefault("issues", {})
        number = max([0, *self.pulls, *issues]) + 1
        created = self.tick()
        issues[number] = {
            "number": number,
            "id": next(self._ids),
            "title": title,
            "body": body,
            "state": state,
            "login": author,
            "created_at": created,
            "updated_at": created,
        }
        self.users.setdefault(author, "User")
        return number

    def issue_json(self, item: dict[str, Any]) -> dict[str, Any]:
        url = f"{self._repo_url()}/issues/{item['number']}"
        return {
            "id": item["id"],
            "number": item["number"],
            "title": item["title"],
            "body": item["body"],
            "state": item["state"],
            "user": self.user_json(item["login"]),
            "labels": [],
            "url": url,
            "html_url": f"{self.url}/{self.owner}/{self.repo}/issues/{item['number']}",
            "comments_url": f"{url}/comments",
            "created_at": item["created_at"],
            "updated_at": item["updated_at"],
        }

    def _issues_endpoint(
        self, method: str, path: str, query: dict[str, list[str]], body: Any
    ) -> tuple[int, Any, dict[str, str]] | None:
        issues: dict[int, dict[str, Any]] = self.__dict__.setdefault("issues", {})
        prefix = f"/repos/{self.owner}/{self.repo}"
        if path == f"{prefix}/issues" and method == "GET":
            state = query.get("state", ["open"])[0]
            items = [
                self.issue_json(i)
                for _, i in sorted(issues.items())
                if state == "all" or i["state"] == state
            ]
            return self._page(path, query, items)
        if path == f"{prefix}/issues" and method == "POST":
            if not isinstance(body, dict) or not body.get("title"):
                return 422, {"message": "title is required"}, {}
            number = self.add_issue(body["title"], body.get("body") or "", self.me)
            return 201, self.issue_json(issues[number]), {}
        hit = re.fullmatch(rf"{prefix}/issues/(\d+)", path)
        if hit and method == "PATCH":
            item = issues.get(int(hit[1]))
            if item is None:
                return 404, {"message": "Not Found"}, {}
            for key in ("title", "body", "state"):
                if key in (body or {}):
                    item[key] = body[key]
            item["updated_at"] = self.tick()
            return 200, self.issue_json(item), {}
        if hit and method == "GET" and int(hit[1]) in issues:
            return 200, self.issue_json(issues[int(hit[1])]), {}
        return None

    # ------------------------------------------------------------------ (end of issues)

    # ------------------------------------------------------------------ platform (collect)
    # What `mrm-gate collect --github` reads: the protection of a branch
    # (GET /repos/{o}/{r}/branches/{b}/protection, 404 "Branch not protected" when none) and
    # the check runs of a commit (GET /repos/{o}/{r}/commits/{sha}/check-runs, paginated,
    # including the runs created through POST /check-runs).

    def protect(
        self,
        branch: str = "main",
        *,
        required_reviews: int | None = 2,
        dismiss_stale: bool = True,
        enforce_admins: bool = True,
        checks: list[str] | None = None,
        code_owners: bool = False,
    ) -> None:
        """Protect ``branch``; ``required_reviews=None`` leaves out the review rule."""
        url = f"{self._repo_url()}/branches/{branch}/protection"
        rule: dict[str, Any] = {
            "url": url,
            "enforce_admins": {"url": f"{url}/enforce_admins", "enabled": enforce_admins},
            "required_linear_history": {"enabled": False},
            "allow_force_pushes": {"enabled": False},
        }
        if checks is not None:
            rule["required_status_checks"] = {
                "url": f"{url}/required_status_checks",
                "strict": True,
                "contexts": list(checks),
                "checks": [{"context": c, "app_id": 15368} for c in checks],
            }
        if required_reviews is not None:
            rule["required_pull_request_reviews"] = {
                "url": f"{url}/required_pull_request_reviews",
                "dismiss_stale_reviews": dismiss_stale,
                "require_code_owner_reviews": code_owners,
                "required_approving_review_count": required_reviews,
                "require_last_push_approval": False,
            }
        self.__dict__.setdefault("protections", {})[branch] = rule

    def add_check(
        self,
        sha: str,
        name: str,
        conclusion: str | None = "success",
        status: str = "completed",
        app: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """A check run of ``sha`` written by another workflow (unit tests, ...)."""
        run_id = next(self._ids)
        started = self.tick()
        run = {
            "id": run_id,
            "name": name,
            "head_sha": sha,
            "status": status,
            "conclusion": conclusion if status == "completed" else None,
            "started_at": started,
            "completed_at": self.tick() if status == "completed" else None,
            "output": {"title": name, "summary": "", "text": None},
            "annotations": [],
            "calls": 1,
            "app": dict(app or ACTIONS_APP),
        }
        self.check_runs[run_id] = run
        return run

    def _platform_endpoint(
        self, method: str, path: str, query: dict[str, list[str]]
    ) -> tuple[int, Any, dict[str, str]] | None:
        if method != "GET":
            return None
        prefix = f"/repos/{self.owner}/{self.repo}"
        if hit := re.fullmatch(rf"{prefix}/branches/([^/]+)/protection", path):
            rule = self.__dict__.get("protections", {}).get(hit[1])
            if rule is None:
                return 404, {"message": "Branch not protected"}, {}
            return 200, rule, {}
        if hit := re.fullmatch(rf"{prefix}/commits/([0-9a-f]{{40}})/check-runs", path):
            runs = [
                self.check_run_json(r)
                for _, r in sorted(self.check_runs.items())
                if r["head_sha"] == hit[1]
            ]
            status, items, headers = self._page(path, query, runs)
            return status, {"total_count": len(runs), "check_runs": items}, headers
        if hit := re.fullmatch(rf"{prefix}/rules/branches/([^/]+)", path):
            return self._page(path, query, list(self.rulesets.get(hit[1], [])))
        if hit := re.fullmatch(rf"{prefix}/rulesets/(\d+)", path):
            return self._ruleset(int(hit[1]))
        if hit := re.fullmatch(
            rf"{prefix}/(?:commits/([0-9a-f]{{40}})/statuses|statuses/([0-9a-f]{{40}}))", path
        ):
            hit = [None, hit[1] or hit[2]]  # type: ignore[assignment]
            mine = [st for st in reversed(self.statuses) if st["sha"] == hit[1]]  # newest first
            return self._page(path, query, [self.status_json(st) for st in mine])
        return None

    def _ruleset(self, ruleset_id: int) -> tuple[int, Any, dict[str, str]]:
        """``GET /repos/{o}/{r}/rulesets/{id}``: its rules, and its bypass actors for an
        App installation token only."""
        if ruleset_id not in self.ruleset_bypass:
            return 404, {"message": "Not Found"}, {}
        rules = [
            {"type": r["type"], "parameters": r.get("parameters", {})}
            for items in self.rulesets.values()
            for r in items
            if r["ruleset_id"] == ruleset_id
        ]
        body: dict[str, Any] = {
            "id": ruleset_id,
            "name": f"ruleset {ruleset_id}",
            "target": "branch",
            "source_type": "Repository",
            "source": f"{self.owner}/{self.repo}",
            "enforcement": "active",
            "rules": rules,
        }
        if self.token_kinds.get(self.current_token, "app").startswith("app"):
            body["bypass_actors"] = list(self.ruleset_bypass[ruleset_id])
        return 200, body, {}

    def status_json(self, status: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": status["id"],
            "node_id": f"SC_{status['id']}",
            "url": f"{self._repo_url()}/statuses/{status['sha']}",
            "state": status["state"],
            "description": None,
            "target_url": None,
            "context": status["context"],
            "created_at": status["created_at"],
            "updated_at": status["created_at"],
            "creator": self.user_json(status["creator"]),
        }

    # ------------------------------------------------------------------ files (git_dir)

    def _git(self, *args: str) -> str | None:
        """``git args`` in ``git_dir``; None when git refuses (unknown ref or path)."""
        if self.git_dir is None:
            return None
        proc = subprocess.run(
            ["git", *args], cwd=self.git_dir, capture_output=True, check=False, text=True
        )
        return proc.stdout if proc.returncode == 0 else None

    def _parents(self, sha: str) -> list[str]:
        line = self._git("rev-list", "--parents", "-n", "1", sha, "--") or ""
        return line.split()[1:]

    def _contents(self, path: str, ref: str) -> tuple[int, Any, dict[str, str]]:
        """``GET /repos/{o}/{r}/contents/{path}?ref=``: the file ``path`` at ``ref`` (a
        branch, tag or commit; default the default branch), base64 in ``content`` with a
        newline every 60 characters, like GitHub's. 404 for an unknown ref or path."""
        doc = "https://docs.github.com/rest/repos/contents#get-repository-content"
        commit = (
            None
            if ref.startswith("-")
            else self._git("rev-parse", "--verify", "-q", f"{ref}^{{commit}}")
        )
        if commit is None:
            message = f"No commit found for the ref {ref}"
            return 404, {"message": message, "documentation_url": doc, "status": "404"}, {}
        spec = f"{commit.strip()}:{path}"
        if path.startswith("/") or self._git("cat-file", "-t", spec) != "blob\n":
            return 404, {"message": "Not Found", "documentation_url": doc, "status": "404"}, {}
        assert self.git_dir is not None
        data = subprocess.run(
            ["git", "cat-file", "blob", spec], cwd=self.git_dir, capture_output=True, check=True
        ).stdout
        blob = (self._git("rev-parse", spec) or "").strip()
        encoded = base64.b64encode(data).decode()
        url = f"{self._repo_url()}/contents/{path}?ref={ref}"
        html = f"https://github.test/{self.owner}/{self.repo}/blob/{ref}/{path}"
        git_url = f"{self._repo_url()}/git/blobs/{blob}"
        body = {
            "type": "file",
            "encoding": "base64",
            "size": len(data),
            "name": path.rsplit("/", 1)[-1],
            "path": path,
            "content": "".join(encoded[i : i + 60] + "\n" for i in range(0, len(encoded), 60)),
            "sha": blob,
            "url": url,
            "git_url": git_url,
            "html_url": html,
            "download_url": f"https://raw.github.test/{self.owner}/{self.repo}/{ref}/{path}",
            "_links": {"self": url, "git": git_url, "html": html},
        }
        return 200, body, {}

    # ------------------------------------------------------------------ (end of platform)

    def _page(
        self, path: str, query: dict[str, list[str]], items: list[Any]
    ) -> tuple[int, Any, dict[str, str]]:
        per_page = min(int(query.get("per_page", ["30"])[0]), self.page_size)
        page = int(query.get("page", ["1"])[0])
        last = max(1, -(-len(items) // per_page))
        links = []
        if page < last:
            links.append(f'<{self.url}{path}?per_page={per_page}&page={page + 1}>; rel="next"')
            links.append(f'<{self.url}{path}?per_page={per_page}&page={last}>; rel="last"')
        headers = {"Link": ", ".join(links)} if links else {}
        return 200, items[(page - 1) * per_page : page * per_page], headers


def _handler(server: GitHubServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            return

        def _serve(self, method: str) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            body = json.loads(raw) if raw else None
            with server._lock:
                server.requests.append((method, parts.path))
                server.seen_headers.append(dict(self.headers.items()))
                status, payload, headers = self._route(
                    method, parts.path, parse_qs(parts.query), body
                )
            data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            base = {
                "x-ratelimit-limit": "5000",
                "x-ratelimit-remaining": "4990",
                "x-ratelimit-reset": str(RESET_EPOCH),
            }
            for key, value in {**base, **headers}.items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)

        def _route(
            self, method: str, path: str, query: dict[str, list[str]], body: Any
        ) -> tuple[int, Any, dict[str, str]]:
            auth = self.headers.get("Authorization", "")
            token = auth.partition(" ")[2] if auth.split(" ")[0] in ("token", "Bearer") else ""
            if token not in server.token_kinds:
                return 401, {"message": "Bad credentials"}, {}
            server.current_token = token
            for failure in server.failures:
                if failure.times > 0 and failure.method == method and failure.pattern.search(path):
                    failure.times -= 1
                    raw = failure.raw if failure.raw is not None else failure.body
                    return failure.status, raw, failure.headers
            return server.handle(method, path, query, body)

        def do_GET(self) -> None:  # noqa: N802
            self._serve("GET")

        def do_POST(self) -> None:  # noqa: N802
            self._serve("POST")

        def do_PATCH(self) -> None:  # noqa: N802
            self._serve("PATCH")

    return Handler


# ---------------------------------------------------------------------- scenario helpers

REPOSITORY = "acme-bank/credit-pd-retail"
_ROOT = Path(__file__).resolve().parents[1]
_BASE_ROLES = (
    "validator",
    "mrm",
    "model_risk_committee",
    "legal",
    "fair_lending",
    "executive",
    "clinical_lead",
)


def known_roles() -> list[str]:
    """Every approval role the shipped policies may require (scanned from their data and
    Rego), so the scenario maps each to a team."""
    roles = set(_BASE_ROLES)
    for path in (_ROOT / "policies").rglob("*"):
        if path.suffix == ".json":
            text = path.read_text("utf-8")
            for block in re.findall(r'approvers"\s*:\s*\{([^}]*)\}', text):
                roles.update(re.findall(r'"([a-z_:]+)"\s*:', block))
            roles.update(re.findall(r'"review_role"\s*:\s*"([a-z_:]+)"', text))
        elif path.suffix == ".rego":
            text = path.read_text("utf-8")
            roles.update(
                re.findall(
                    r"approval_requirement\(\s*rego\.metadata\.chain\(\),\s*\"([^\"]+)\"", text
                )
            )
    return sorted(roles)


def team_of(role: str) -> str:
    return "acme-bank/" + role.replace("_", "-").replace(":", "-") + "-approvers"


def approvers_of(role: str, count: int = 1) -> list[str]:
    """``count`` independent approvers of ``role``: members of its team who did not write,
    commit, develop or own the change."""
    first = {"validator": "vera-validator"}.get(role)
    names = [f"{role.replace('_', '-').replace(':', '-')}-approver-{i}" for i in range(1, 4)]
    return ([first] if first else [])[:count] + names[: count - (1 if first else 0)]


HEAD = "46955eda4c13726b609071049f8c56231f1565f5"
FIRST = "86bbdd1813db653d09803e5038251c2e3e36b451"
PR = 212


def write_config(directory: Any) -> Any:
    path = directory / ".mrm-gate.yml"
    lines = ["apiVersion: mrm-gate/v1", "roles:"]
    lines += [f'  "{role}": {team_of(role)}' for role in known_roles()]
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def standard_pull(server: GitHubServer) -> Pull:
    """PR #212 by dana-dev, with a commit co-authored by lee-dev and committed by
    carl-committer. Every approver is in their role's team, and so (to prove the other
    defences do the work) are the author, the co-author, the committer and a bot."""
    pull = server.open_pull(
        PR, "dana-dev", [(FIRST, "dana-dev", "dana-dev"), (HEAD, "lee-dev", "carl-committer")]
    )
    server.add_user("mrm-helper[bot]", "Bot")
    for role in known_roles():
        team = team_of(role)
        for login in approvers_of(role, 3):
            server.add_member(team, login)
        for insider in ("dana-dev", "lee-dev", "carl-committer", "mrm-helper[bot]", "omar-owner"):
            server.add_member(team, insider)
    server.add_member(team_of("validator"), "victor-validator")
    return pull


def actions_env(
    server: GitHubServer,
    directory: Any,
    *,
    number: int | None = PR,
    sha: str = HEAD,
    event_name: str = "pull_request",
    comment_event: bool = False,
    token: str | None = None,
) -> dict[str, str | None]:
    """The environment of an Actions job, pointed at ``server`` (``token``: another of its
    tokens than the App installation token, e.g. ``server.workflow_token``)."""
    event: dict[str, Any] = {}
    if number is not None and comment_event:
        event = {"issue": {"number": number, "pull_request": {"url": "x"}}, "comment": {"id": 1}}
    elif number is not None:
        event = {"pull_request": {"number": number, "head": {"sha": sha}}}
    event_path = directory / "event.json"
    event_path.write_text(json.dumps(event), "utf-8")
    return {
        "GITHUB_TOKEN": token or server.token,
        "GITHUB_API_URL": server.url,
        "GITHUB_REPOSITORY": REPOSITORY,
        "GITHUB_EVENT_PATH": str(event_path),
        "GITHUB_EVENT_NAME": event_name,
        "GITHUB_SHA": sha,
        "GITHUB_STEP_SUMMARY": str(directory / "summary.md"),
        "GITHUB_OUTPUT": str(directory / "output.txt"),
        "GITHUB_WORKSPACE": None,
        "MRM_GATE_GITHUB_PACING": "0",
    }
