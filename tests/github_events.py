"""What a GitHub Actions run gets for each event: the payload at GITHUB_EVENT_PATH and the
GITHUB_* environment, built for a pull request held by the local server.

Shapes follow /work/shared/github-samples/events (octokit/webhooks examples and recorded
deliveries); the per-event GITHUB_SHA / GITHUB_REF follow its README table (github/docs
"Events that trigger workflows"): a pull_request or pull_request_review run gets the test
merge commit of ``refs/pull/N/merge``, an issue_comment run the default branch's head, a
push its tip, a workflow_dispatch the dispatched ref's head, a deployment the deployed
commit. ``GITHUB_HEAD_REF``/``GITHUB_BASE_REF`` are set only for pull_request(_target).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from github_server import REPOSITORY, GitHubServer


@dataclass(frozen=True)
class Run:
    """One workflow run: its event name, payload and the environment GitHub sets."""

    event_name: str
    payload: dict[str, Any]
    env: dict[str, str]

    def environment(self, server: GitHubServer, directory: Path, token: str) -> dict[str, str]:
        """The run's environment, with the payload written to ``directory``."""
        path = directory / f"event-{self.event_name}.json"
        path.write_text(json.dumps(self.payload), "utf-8")
        return {
            "GITHUB_ACTIONS": "true",
            "GITHUB_TOKEN": token,
            "GITHUB_API_URL": server.url,
            "GITHUB_SERVER_URL": "https://github.test",
            "GITHUB_REPOSITORY": REPOSITORY,
            "GITHUB_EVENT_NAME": self.event_name,
            "GITHUB_EVENT_PATH": str(path),
            "GITHUB_RUN_ID": str(abs(hash((self.event_name, path))) % 10**9),
            "GITHUB_RUN_ATTEMPT": "1",
            "MRM_GATE_GITHUB_PACING": "0",
            # GitHub's short form of GITHUB_REF: "main", "31/merge", a tag name.
            "GITHUB_REF_NAME": self.env["GITHUB_REF"].split("/", 2)[-1],
            **self.env,
        }


def _repository(server: GitHubServer) -> dict[str, Any]:
    return {
        "id": 1,
        "name": server.repo,
        "full_name": REPOSITORY,
        "default_branch": server.default_branch,
        "owner": {"login": server.owner, "type": "Organization"},
    }


def _sender(server: GitHubServer, login: str) -> dict[str, Any]:
    return server.user_json(login)


def _actor(login: str) -> dict[str, str]:
    return {"GITHUB_ACTOR": login, "GITHUB_TRIGGERING_ACTOR": login}


def pull_request(server: GitHubServer, number: int, actor: str, action: str = "opened") -> Run:
    pull = server.pulls[number]
    payload = {
        "action": action,
        "number": number,
        "pull_request": server.pull_json(pull),
        "repository": _repository(server),
        "sender": _sender(server, actor),
    }
    env = {
        "GITHUB_SHA": server.test_merge_sha(number),
        "GITHUB_REF": f"refs/pull/{number}/merge",
        "GITHUB_HEAD_REF": f"feature-{number}",
        "GITHUB_BASE_REF": pull.base_ref,
        **_actor(actor),
    }
    return Run("pull_request", payload, env)


def pull_request_review(server: GitHubServer, number: int, review: dict[str, Any]) -> Run:
    pull = server.pulls[number]
    short = {k: v for k, v in server.pull_json(pull).items() if k not in ("merged", "commits")}
    body = server.review_json(pull, review)
    body["state"] = str(body["state"]).lower()  # webhook states are lower-case
    payload = {
        "action": "submitted",
        "review": body,
        "pull_request": short,
        "repository": _repository(server),
        "sender": _sender(server, review["login"]),
    }
    env = {
        "GITHUB_SHA": server.test_merge_sha(number),
        "GITHUB_REF": f"refs/pull/{number}/merge",
        **_actor(review["login"]),
    }
    return Run("pull_request_review", payload, env)


def issue_comment(
    server: GitHubServer, number: int, comment: dict[str, Any], default_head: str
) -> Run:
    pull = server.pulls[number]
    issue = server.pull_json(pull)
    issue["url"] = issue["issue_url"]
    issue["pull_request"] = {
        "url": f"{server.url}/repos/{REPOSITORY}/pulls/{number}",
        "html_url": issue["html_url"],
        "merged_at": pull.merged_at,
    }
    payload = {
        "action": "created",
        "issue": issue,
        "comment": server.comment_json(pull, comment),
        "repository": _repository(server),
        "sender": _sender(server, comment["login"]),
    }
    env = {
        "GITHUB_SHA": default_head,
        "GITHUB_REF": f"refs/heads/{server.default_branch}",
        **_actor(comment["login"]),
    }
    return Run("issue_comment", payload, env)


def push(server: GitHubServer, sha: str, before: str, actor: str, branch: str = "main") -> Run:
    payload = {
        "ref": f"refs/heads/{branch}",
        "before": before,
        "after": sha,
        "created": False,
        "deleted": False,
        "forced": False,
        "head_commit": {"id": sha},
        "repository": _repository(server),
        "pusher": {"name": actor},
        "sender": _sender(server, actor),
    }
    env = {"GITHUB_SHA": sha, "GITHUB_REF": f"refs/heads/{branch}", **_actor(actor)}
    return Run("push", payload, env)


def workflow_dispatch(server: GitHubServer, sha: str, ref: str, actor: str) -> Run:
    payload = {
        "ref": ref,
        "inputs": {"stage": "production"},
        "workflow": ".github/workflows/deploy-gate.yml",
        "repository": _repository(server),
        "sender": _sender(server, actor),
    }
    env = {"GITHUB_SHA": sha, "GITHUB_REF": ref, **_actor(actor)}
    return Run("workflow_dispatch", payload, env)


def deployment(server: GitHubServer, sha: str, ref: str, actor: str) -> Run:
    payload = {
        "action": "created",
        "deployment": {
            "id": 145988746,
            "sha": sha,
            "ref": ref,
            "task": "deploy",
            "environment": "production",
            "creator": _sender(server, actor),
        },
        "repository": _repository(server),
        "sender": _sender(server, actor),
    }
    env = {"GITHUB_SHA": sha, "GITHUB_REF": f"refs/heads/{ref}", **_actor(actor)}
    return Run("deployment", payload, env)
