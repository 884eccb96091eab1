"""Publishing a decision to GitHub: a check run, one sticky pull-request comment, the job
summary and the step outputs.

Rendering (:func:`sticky_body`, :func:`annotations_for`) is pure; the publishing functions
take a PyGithub client and translate every API failure into a ReportingError.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from github import Github, GithubException

from gate.decision import Decision
from gate.errors import ReportingError
from gate.github.client import ACTIONS_LOGIN, GitHubSettings, RoleTeams, api_errors, call
from gate.github.collect import team_for
from gate.report.locations import Location, locate
from gate.report.markdown import to_markdown
from gate.report.text import (
    approval_instruction,
    md_cell,
    md_code,
    round_numbers_in,
    short_digest,
    verdict,
)

ANNOTATIONS_PER_CALL = 50  # GitHub's limit for one create or update of a check run
MAX_SUMMARY = 65_000  # GitHub refuses output.summary/text above 65535 characters


def marker(stage: str) -> str:
    """The hidden marker that finds the sticky comment of ``stage``."""
    return f"<!-- mrm-gate:sticky:{stage} -->"


# The one check name the Action, the workflows, the rulesets and SOC2-AC-01 use.
CHECK_NAME = "mrm-gate"


def check_run_name(stage: str) -> str:
    """The check run's name: ``mrm-gate`` at every stage (the stage is in its title), so
    the required check the branch's rules name is the gate's own."""
    del stage
    return CHECK_NAME


# ---------------------------------------------------------------------- rendering


def sticky_body(decision: Decision, roles: RoleTeams, head_sha: str = "") -> str:
    """The sticky comment: the verdict, and for each missing approval exactly what to type."""
    out = [marker(decision.stage), to_markdown(decision).rstrip("\n"), ""]
    missing = decision.missing_approvals
    if missing:
        out += ["#### How to approve", ""]
        for req in missing:
            team = team_for(roles, req["role"])
            who = (
                f"a member of `{team}`"
                if team
                else (
                    f"a member of the team mapped to `{req['role']}` in `.mrm-gate.yml` "
                    "(none is mapped yet)"
                )
            )
            out += [
                f"**{req['role']}** ({req.get('count', 1)} needed): {who} who did not "
                "write, commit, develop or own this change comments, on a line of its own:",
                "",
                "```",
                approval_instruction(req, decision.bundle_digest),
                "```",
                "",
            ]
        out += [
            "An approval counts only for this bundle "
            f"({md_code(short_digest(decision.bundle_digest))}): a new push that changes the "
            "evidence needs a new approval. `/revoke <role>` withdraws yours. Edited comments do "
            "not count.",
            "",
        ]
    if decision.stale_approvals:
        out += [
            "#### Approvals that do not count",
            "",
            "| who | role | via | why |",
            "|---|---|---|---|",
        ]
        out += [
            f"| @{md_cell(a.get('login', '?'))} | {md_cell(a.get('role', '?'))} | "
            f"{md_cell(a.get('via', '?'))} | {md_cell(a.get('reason', ''))} |"
            for a in decision.stale_approvals
        ]
        out.append("")
    at = f" for commit `{head_sha[:12]}`" if head_sha else ""
    out.append(f"<sub>mrm-gate decided at {decision.decided_at}{at}.</sub>")
    return "\n".join(out) + "\n"


def annotations_for(
    decision: Decision, bundle_file: str | None, bundle_text: str, root: Path
) -> list[dict[str, Any]]:
    """Check-run annotations for violations and warnings, at the file and line a person
    wrote (see :mod:`gate.report.locations`), else at the field's line in the bundle file."""
    if not bundle_file:
        return []
    try:
        bundle = json.loads(bundle_text)
    except ValueError:
        bundle = {}
    if not isinstance(bundle, dict):
        bundle = {}
    out: list[dict[str, Any]] = []
    items = [("failure", v) for v in decision.violations] + [
        ("warning", w) for w in decision.warnings
    ]
    for level, item in items:
        json_path = str(item.get("evidence_path", "$"))
        where = locate(json_path, bundle, root, bundle_file, bundle_text) or Location(bundle_file)
        out.append(
            {
                "path": where.file,
                "start_line": where.line,
                "end_line": where.line,
                "annotation_level": level,
                "title": f"{item.get('control_id', '')}: {item.get('title', '')}"[:255],
                "message": f"{round_numbers_in(str(item.get('msg', '')))} (at {json_path})",
                "raw_details": f"How to fix: {item.get('remediation', '')}",
            }
        )
    return out


def _batches(
    items: list[dict[str, Any]], size: int = ANNOTATIONS_PER_CALL
) -> Iterable[list[dict[str, Any]]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


# ---------------------------------------------------------------------- publishing


@dataclass(frozen=True)
class Published:
    """What :func:`publish` did, for the CLI to tell."""

    check_run_url: str
    comment_url: str
    comment_action: str  # "created", "updated" or "skipped"


def authenticated_login(gh: Github, settings: GitHubSettings) -> str:
    """Who the token writes as. The Actions GITHUB_TOKEN may not read ``/user``: it writes
    as ``github-actions[bot]``."""
    with api_errors(settings, "reading the authenticated user"):
        try:
            _, data = gh.requester.requestJsonAndCheck("GET", "/user")
        except GithubException as exc:
            if exc.status == 403 and str((exc.data or {}).get("message", "")).startswith(
                "Resource not accessible by integration"
            ):
                return ACTIONS_LOGIN
            raise
    return str(data.get("login", "")) if isinstance(data, dict) else ""


def publish_check_run(
    gh: Github,
    settings: GitHubSettings,
    decision: Decision,
    head_sha: str,
    annotations: list[dict[str, Any]],
) -> str:
    """Create the check run ``mrm-gate/<stage>`` on ``head_sha``; annotations go at most
    50 per call (the first batch with the creation, the rest as updates)."""
    repo = call(settings, "reading the repository", lambda: gh.get_repo(settings.repository))
    title = (
        f"{verdict(decision.allow)} at {decision.stage}: {len(decision.violations)} "
        f"violation(s), {len(decision.missing_approvals)} missing approval(s)"
    )
    # The digest to approve, from the gate's own identity: approvers copy it from here, not
    # from a comment any workflow could write.
    head = f"Bundle digest to approve: `{decision.bundle_digest}` (commit `{head_sha}`)\n\n"
    summary = (head + to_markdown(decision))[:MAX_SUMMARY]
    batches = list(_batches(annotations)) or [[]]
    name = check_run_name(decision.stage)

    def output(batch: list[dict[str, Any]]) -> dict[str, Any]:
        return {"title": title, "summary": summary, "annotations": batch}

    with api_errors(settings, f"creating the check run {name}"):
        run = repo.create_check_run(
            name=name,
            head_sha=head_sha,
            external_id=decision.bundle_digest,
            status="completed",
            conclusion="success" if decision.allow else "failure",
            output=output(batches[0]),
        )
        for batch in batches[1:]:
            run.edit(output=output(batch))
    return str(run.html_url or "")


def upsert_sticky_comment(
    gh: Github, settings: GitHubSettings, number: int, stage: str, body: str
) -> tuple[str, str]:
    """Edit the comment carrying ``stage``'s marker if the gate's own identity wrote it;
    otherwise create one. A marker in someone else's comment is ignored."""
    tag = marker(stage)
    if tag not in body:
        raise ReportingError("internal: the sticky comment body lacks its marker")
    me = authenticated_login(gh, settings)
    repo = call(settings, "reading the repository", lambda: gh.get_repo(settings.repository))
    issue = call(settings, f"reading pull request #{number}", lambda: repo.get_issue(number))
    with api_errors(settings, f"updating the mrm-gate comment on pull request #{number}"):
        for comment in issue.get_comments():
            if (
                comment.user is not None
                and comment.user.login == me
                and tag in (comment.body or "")
            ):
                comment.edit(body)
                return "updated", str(comment.html_url or "")
        created = issue.create_comment(body)
        return "created", str(created.html_url or "")


# ---------------------------------------------------------------------- Actions files


def append_step_summary(path: Path, markdown: str) -> None:
    try:
        with path.open("a", encoding="utf-8") as fh:
            fh.write(markdown if markdown.endswith("\n") else markdown + "\n")
    except OSError as exc:
        raise ReportingError(f"cannot append to the job summary {path}: {exc.strerror}") from None


def write_outputs(path: Path, outputs: dict[str, str]) -> None:
    lines = []
    for key, value in outputs.items():
        if "\n" in value or "\r" in value:
            raise ReportingError(f"internal: step output {key} spans lines")
        lines.append(f"{key}={value}\n")
    try:
        with path.open("a", encoding="utf-8") as fh:
            fh.writelines(lines)
    except OSError as exc:
        raise ReportingError(f"cannot write the step outputs {path}: {exc.strerror}") from None
