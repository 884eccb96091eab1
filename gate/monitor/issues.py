"""Alert issues on GitHub: one per model and alert kind, found again by a hidden marker.

An issue is reused (edited, and reopened if closed) only when the gate's own identity
opened it and its body carries the marker, so an alert never duplicates and a marker
pasted into someone else's issue is ignored.
"""

from __future__ import annotations

from typing import Any

from gate.github.client import GitHubSettings, api_errors, call
from gate.github.report import authenticated_login


def marker(model_id: str, kind: str) -> str:
    return f"<!-- mrm-gate:monitor model={model_id} kind={kind} -->"


def issue_title(model_id: str, kind: str) -> str:
    return f"mrm-gate monitoring alert: {model_id}: {kind}"


def upsert_alert_issue(
    gh: Any, settings: GitHubSettings, model_id: str, kind: str, body: str
) -> tuple[str, int, str]:
    """Create, or edit and reopen, the issue for ``model_id`` and ``kind``.
    Returns the action ("created" or "updated"), the issue number and its URL."""
    tag = marker(model_id, kind)
    text = f"{tag}\n{body}"
    me = authenticated_login(gh, settings)
    repo = call(settings, "reading the repository", lambda: gh.get_repo(settings.repository))
    with api_errors(settings, f"finding the {kind} alert issue of {model_id}"):
        for issue in repo.get_issues(state="all"):
            if issue.pull_request is not None:
                continue
            author = issue.user.login if issue.user is not None else ""
            if author == me and tag in (issue.body or ""):
                issue.edit(body=text, state="open", title=issue_title(model_id, kind))
                return "updated", int(issue.number), str(issue.html_url or "")
    with api_errors(settings, f"opening the {kind} alert issue of {model_id}"):
        created = repo.create_issue(title=issue_title(model_id, kind), body=text)
    return "created", int(created.number), str(created.html_url or "")
