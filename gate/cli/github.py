"""`mrm-gate report`: publish a decision to GitHub and the Actions job."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

import click

from gate.cli.options import roles_config_option
from gate.errors import UsageError
from gate.report.markdown import to_markdown

if TYPE_CHECKING:
    from github import Github

    from gate.decision import Decision
    from gate.github.client import GitHubSettings, RoleTeams


def register(cli: click.Group) -> None:
    """Add the GitHub commands to the CLI group."""
    cli.add_command(report)


@click.command()
@click.option(
    "--decision",
    "decision_path",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="Decision JSON written by `mrm-gate check --format json --output FILE`.",
)
@click.option(
    "--bundle",
    "bundle_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="The evaluated bundle, to point annotations at evidence.",
)
@roles_config_option(
    "A checkout of the base branch's .mrm-gate.yml (role -> team, named in the "
    "approval instructions). Default: that file read from the base branch through GitHub."
)
@click.option(
    "--check-run/--no-check-run",
    default=True,
    show_default=True,
    help="Create the check run mrm-gate/<stage> (needs checks: write).",
)
@click.option(
    "--comment/--no-comment",
    default=True,
    show_default=True,
    help="Create or update the sticky pull-request comment.",
)
@click.option(
    "--exit-with-decision",
    is_flag=True,
    help="Exit 1 when the decision is a denial (after publishing).",
)
def report(
    decision_path: Path,
    bundle_path: Path | None,
    config_path: Path | None,
    check_run: bool,
    comment: bool,
    exit_with_decision: bool,
) -> int:
    """Publish a decision: check run, sticky PR comment, job summary, step outputs.

    GitHub is used when GITHUB_TOKEN is set (with GITHUB_REPOSITORY, GITHUB_EVENT_PATH,
    GITHUB_SHA, GITHUB_API_URL); GITHUB_STEP_SUMMARY and GITHUB_OUTPUT are written when set.
    """
    from gate.decision import Decision
    from gate.github import report as rep
    from gate.github.client import GitHubSettings, make_client

    try:
        doc = json.loads(decision_path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise UsageError(f"{decision_path}: cannot read the decision: {exc}") from None
    # The one strict reader: a file saying allow beside a failed control or an unmet
    # approval is refused (exit 2), never published.
    decision = Decision.from_json(doc, str(decision_path))
    markdown = to_markdown(decision)

    if summary := os.environ.get("GITHUB_STEP_SUMMARY"):
        rep.append_step_summary(Path(summary), markdown)
    if outputs := os.environ.get("GITHUB_OUTPUT"):
        rep.write_outputs(
            Path(outputs),
            {
                "decision": "allowed" if decision.allow else "denied",
                "bundle-digest": decision.bundle_digest,
            },
        )

    if (check_run or comment) and not os.environ.get("GITHUB_TOKEN"):
        click.echo("mrm-gate: GITHUB_TOKEN is not set; no check run or comment published", err=True)
    elif check_run or comment:
        settings = GitHubSettings.from_env()
        gh = make_client(settings)
        number = settings.pull_number
        head_sha = _evaluated_commit(decision.head_commit, number, settings.sha)
        if check_run:
            _publish_check_run(gh, settings, decision, head_sha, bundle_path)
        if comment and number:
            roles = _roles(gh, settings, number, config_path)
            body = rep.sticky_body(decision, roles, head_sha)
            action, url = rep.upsert_sticky_comment(gh, settings, number, decision.stage, body)
            click.echo(f"mrm-gate: sticky comment {action}: {url}", err=True)
        elif comment:
            click.echo("mrm-gate: not a pull request; no comment published", err=True)

    verdict = "allowed" if decision.allow else "denied"
    click.echo(f"mrm-gate: {verdict} at stage {decision.stage} (bundle {decision.bundle_digest})")
    return decision.exit_code if exit_with_decision else 0


def _publish_check_run(
    gh: Github,
    settings: GitHubSettings,
    decision: Decision,
    head_sha: str,
    bundle_path: Path | None,
) -> None:
    """The check run on the judged commit, with the bundle's lines annotated when given."""
    from gate.github import report as rep

    if not head_sha:
        raise UsageError(
            "no commit to attach the check run to",
            hint="run inside a pull request or set GITHUB_SHA",
        )
    bundle_text = ""
    if bundle_path is not None:
        try:
            bundle_text = bundle_path.read_text("utf-8")
        except OSError as exc:
            raise UsageError(f"{bundle_path}: cannot read: {exc.strerror}") from None
    root = Path(os.environ.get("GITHUB_WORKSPACE") or ".")
    label = _repo_relative(bundle_path, root) if bundle_path else None
    annotations = rep.annotations_for(decision, label, bundle_text, root)
    url = rep.publish_check_run(gh, settings, decision, head_sha, annotations)
    click.echo(
        f"mrm-gate: check run {rep.check_run_name(decision.stage)}: "
        f"{'success' if decision.allow else 'failure'} "
        f"({len(annotations)} annotation(s)) {url}".rstrip(),
        err=True,
    )


def _roles(
    gh: Github, settings: GitHubSettings, number: int, config_path: Path | None
) -> RoleTeams:
    """The role -> team map the approval instructions name: ``config_path`` (a checkout
    of the base branch) or the base branch's own, read through GitHub."""
    from gate.github.client import RoleTeams, call
    from gate.github.collect import base_roles

    if config_path is not None:
        return RoleTeams.load(config_path)
    repo = call(settings, "reading the repository", lambda: gh.get_repo(settings.repository))
    pr = call(settings, f"reading pull request #{number}", lambda: repo.get_pull(number))
    return base_roles(gh, pr, settings)


def _repo_relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _evaluated_commit(head_commit: str, number: int | None, event_sha: str) -> str:
    """The commit the check run goes on: the one the decision judged, never the head read
    at report time (a push between check and report would get a check it never had)."""
    if head_commit:
        return head_commit
    if number is not None:
        raise UsageError(
            "the decision names no evaluated commit, so it cannot be reported on a pull request",
            hint="evaluate with `mrm-gate check --github`, which records the head it judged",
        )
    return event_sha
