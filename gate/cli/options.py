"""Options shared by the commands, each declared once."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from gate.decision import STAGES

_Command = TypeVar("_Command", bound=Callable[..., Any])


def stage_option(stages: tuple[str, ...] = STAGES, **kwargs: Any) -> Callable[[_Command], _Command]:
    """--stage, one of ``stages`` (required unless ``kwargs`` say otherwise)."""
    return click.option("--stage", type=click.Choice(stages), **{"required": True, **kwargs})


def opa_url_option(f: Any) -> Any:
    return click.option(
        "--opa-url", default=None, help="Evaluate on this OPA server instead of locally."
    )(f)


def timeout_option(f: Any) -> Any:
    """The engine's timeout (reproduce has its own: a training run, not an evaluation)."""
    return click.option(
        "--timeout", default=60.0, show_default=True, help="Engine timeout, seconds."
    )(f)


def roles_config_option(help_text: str) -> Callable[[_Command], _Command]:
    """--config: a checkout of the base branch's .mrm-gate.yml, whose roles map approval
    roles to teams (None: the file is read from the base branch through GitHub)."""
    return click.option(
        "--config", "config_path", type=click.Path(path_type=Path), default=None, help=help_text
    )


def github_options(f: Any) -> Any:
    """--github and --config: collect the pull request and its approvals from GitHub."""
    f = roles_config_option(
        "A checkout of the base branch's .mrm-gate.yml (its roles: map approval roles "
        "to GitHub teams). Default: that file read from the base branch through the GitHub "
        "API, never the pull request's own copy (it could choose its approvers)."
    )(f)
    return click.option(
        "--github",
        "use_github",
        is_flag=True,
        help="Collect the pull request and its approvals from the GitHub API "
        "(GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_EVENT_PATH, GITHUB_API_URL).",
    )(f)


def policy_options(f: Any) -> Any:
    f = click.option(
        "--policy",
        "policy",
        type=click.Path(path_type=Path),
        default=None,
        help="Policy directory or a bundle built by `mrm-gate bundle` "
        "(default: the policies shipped with the gate).",
    )(f)
    f = click.option(
        "--data",
        "data_files",
        multiple=True,
        type=click.Path(path_type=Path),
        help="Extra policy data (thresholds, overrides); repeatable.",
    )(f)
    f = click.option(
        "--opa-bin",
        envvar=None,
        default=None,
        help="OPA binary (else MRM_GATE_OPA, .tools/bin/opa, PATH).",
    )(f)
    return f


def format_option(
    default: str | None,
    help_text: str,
    *,
    own: tuple[str, ...] = (),
    show_default: bool = False,
) -> Callable[[_Command], _Command]:
    """--format: the decision's report formats (gate.report.FORMATS), after the command's
    ``own`` formats when it has any."""
    from gate.report import FORMATS

    return click.option(
        "--format",
        "fmt",
        type=click.Choice([*own, *FORMATS]),
        default=default,
        show_default=show_default,
        help=help_text,
    )


def report_options(f: Any) -> Any:
    """--format, --output and --only-failed of check (record and monitor share --format)."""
    f = click.option(
        "--only-failed",
        is_flag=True,
        help="Show only what needs doing (failed controls, missing approvals).",
    )(f)
    f = click.option(
        "--output",
        type=click.Path(path_type=Path),
        default=None,
        help="Write the report here (atomically) instead of standard output.",
    )(f)
    return format_option(
        "table",
        "table (terminal), json (the decision record), markdown, sarif (code scanning), "
        "junit (CI test report), github (workflow-command annotations).",
        show_default=True,
    )(f)
