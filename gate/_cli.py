"""The command line. The only module that prints or exits."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any, NoReturn, Protocol

import click

from gate import __version__
from gate.clock import now_option, resolve_now
from gate.decision import Decision, decision_from_policy
from gate.engine.interface import PolicyEngine
from gate.engine.local import LocalOpaEngine
from gate.engine.toolchain import find_opa, pinned_version
from gate.errors import EXIT_INVALID, GateError
from gate.evidence import bundle_digest, load_bundle
from gate.fileio import write_atomic
from gate.policy import PolicySource, build_bundle, default_policy_dir
from gate.policy_input import build_input

STAGES = ("merge", "staging", "production", "monitoring")


def _fatal(err: GateError, verbose: bool) -> NoReturn:
    click.echo(f"mrm-gate: error: {err.diagnostics()}", err=True)
    if verbose:
        import traceback

        traceback.print_exception(err)
    sys.exit(err.exit_code)


class _GateGroup(click.Group):
    """Turns every GateError into its exit code and a message, in one place, and loads the
    commands of LAZY_COMMANDS on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *LAZY_COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in LAZY_COMMANDS and cmd_name not in self.commands:
            return lazy_command(cmd_name)
        return super().get_command(ctx, cmd_name)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except GateError as err:
            _fatal(err, bool(ctx.params.get("verbose")))


@click.group(cls=_GateGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", is_flag=True, help="Show tracebacks for errors.")
def cli(verbose: bool) -> None:
    """mrm-gate: block merges and deploys of models that lack compliance evidence.

    Exit codes: 0 allowed, 1 denied by policy, 2 evidence or usage invalid,
    3 engine or infrastructure error.
    """


def _policy_options(f: Any) -> Any:
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


def _policy_source(policy: Path | None, data_files: tuple[Path, ...]) -> PolicySource:
    source = PolicySource(policy or default_policy_dir(), tuple(data_files))
    source.check()
    return source


def _engine(
    opa_url: str | None, opa_bin: str | None, source: PolicySource, timeout: float
) -> PolicyEngine:
    if opa_url:
        from gate.engine.server import ServerOpaEngine

        return ServerOpaEngine(
            opa_url, timeout=timeout, token=os.environ.get("MRM_GATE_OPA_TOKEN") or None
        )
    return LocalOpaEngine(find_opa(opa_bin), source, timeout=timeout)


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        click.echo(text, nl=not text.endswith("\n"))
    else:
        write_atomic(output, text)


def report_options(f: Any) -> Any:
    """--format, --output and --only-failed, the same for check, record and monitor."""
    from gate.report import FORMATS

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
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(FORMATS),
        default="table",
        show_default=True,
        help="table (terminal), json (the decision record), markdown, sarif (code scanning), "
        "junit (CI test report), github (workflow-command annotations).",
    )(f)


def emit_report(
    decision: Decision,
    bundle_path: Path,
    fmt: str,
    output: Path | None,
    only_failed: bool,
    *,
    github_collected: bool,
) -> None:
    """Render ``decision`` in ``fmt`` (with the file and line of each field) and emit it;
    colour only on a terminal, never with NO_COLOR."""
    from gate.report import render
    from gate.report.context import load_context
    from gate.report.text import verdict

    color = output is None and sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    context = load_context(
        bundle_path,
        decision,
        github_collected=github_collected,
        only_failed=only_failed,
        color=color,
    )
    _emit(render(fmt, decision, context), output)
    if output is not None:
        click.echo(f"mrm-gate: {verdict(decision.allow)}; report written to {output}", err=True)


class Collector(Protocol):
    """Gathers, itself (GitHub API, git, CI), the pull request a run judges and its
    approvals; see gate.github.collect.GitHubCollector."""

    def head_commit(self) -> str | None:
        """The commit the run judges, which the bundle digest binds (None: no PR)."""

    def __call__(self, digest: str) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
        """The pull-request context and the approvals, judged against ``digest``."""


def evaluate(
    bundle_path: Path,
    stage: str,
    engine: PolicyEngine,
    *,
    now: str,
    collector: Collector | None = None,
) -> Decision:
    """Load, validate and evaluate one bundle; raise on anything untrustworthy."""
    bundle = load_bundle(bundle_path)
    head = collector.head_commit() if collector else None
    digest = bundle_digest(bundle, head)
    pull_request, approvals = collector(digest) if collector else (None, [])
    policy_input = build_input(
        bundle,
        stage=stage,
        digest=digest,
        now=now,
        repository=os.environ.get("GITHUB_REPOSITORY", ""),
        pull_request=pull_request,
        approvals=approvals,
    )
    result = engine.evaluate(policy_input)
    return decision_from_policy(
        result, stage=stage, bundle_digest=digest, decided_at=now, head_commit=head or ""
    )


@cli.command()
@click.option(
    "--bundle",
    "bundle_path",
    required=True,
    type=click.Path(path_type=Path),
    help="Evidence bundle JSON (from `mrm-gate collect`).",
)
@click.option("--stage", required=True, type=click.Choice(STAGES))
@click.option("--opa-url", default=None, help="Evaluate on this OPA server instead of locally.")
@report_options
@now_option("Evaluation time, RFC 3339 (default: the current time). For replays.")
@click.option("--timeout", default=60.0, show_default=True, help="Engine timeout, seconds.")
@click.option(
    "--github",
    "use_github",
    is_flag=True,
    help="Collect the pull request and its approvals from the GitHub API "
    "(GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_EVENT_PATH, GITHUB_API_URL).",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path),
    default=Path(".mrm-gate.yml"),
    show_default=True,
    help="Repository config (maps approval roles to GitHub teams).",
)
@_policy_options
def check(
    bundle_path: Path,
    stage: str,
    opa_url: str | None,
    fmt: str,
    output: Path | None,
    only_failed: bool,
    now: str | None,
    timeout: float,
    use_github: bool,
    config_path: Path,
    policy: Path | None,
    data_files: tuple[Path, ...],
    opa_bin: str | None,
) -> None:
    """Evaluate an evidence bundle at a stage and exit with the decision."""
    source = _policy_source(policy, data_files) if not opa_url else PolicySource(Path("."))
    engine = _engine(opa_url, opa_bin, source, timeout)
    collector: Collector | None = None
    if use_github:
        from gate.github.collect import collector_from_env

        collector = collector_from_env(config_path)
    decision = evaluate(bundle_path, stage, engine, now=resolve_now(now), collector=collector)
    emit_report(decision, bundle_path, fmt, output, only_failed, github_collected=use_github)
    sys.exit(decision.exit_code)


@cli.command()
@click.option(
    "--output",
    required=True,
    type=click.Path(path_type=Path),
    help="Where to write the bundle (.tar.gz).",
)
@_policy_options
def bundle(
    output: Path, policy: Path | None, data_files: tuple[Path, ...], opa_bin: str | None
) -> None:
    """Build an OPA bundle of the policies, stamped with their revision."""
    source = _policy_source(policy, data_files)
    if source.is_bundle_file:
        raise click.UsageError("--policy must be a directory to build a bundle from")
    revision = build_bundle(find_opa(opa_bin).path, source, output)
    click.echo(f"wrote {output} (revision {revision})")


@cli.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "markdown"]),
    default="table",
    show_default=True,
)
@click.option("--output", type=click.Path(path_type=Path), default=None)
@click.option(
    "--policy",
    type=click.Path(path_type=Path),
    default=None,
    help="Policy directory (default: the policies shipped with the gate).",
)
@click.option("--opa-bin", default=None)
def controls(fmt: str, output: Path | None, policy: Path | None, opa_bin: str | None) -> None:
    """Print the control catalogue from the policies' own annotations."""
    from gate import catalogue

    source = _policy_source(policy, ())
    if not source.path.is_dir():
        raise click.UsageError("--policy must be a directory of Rego files")
    found = catalogue.inspect_controls(find_opa(opa_bin).path, source.path)
    if fmt == "json":
        text = json.dumps([c.to_dict() for c in found], indent=2) + "\n"
    elif fmt == "markdown":
        text = catalogue.to_markdown(found)
    else:
        text = catalogue.to_table(found)
    _emit(text, output)


@cli.command()
@click.option("--opa-bin", default=None, help="OPA binary to report on.")
@click.option("--policy", type=click.Path(path_type=Path), default=None)
def version(opa_bin: str | None, policy: Path | None) -> None:
    """Print the gate, OPA and policy versions (what is known, before failing on the rest)."""
    known: dict[str, Any] = {"mrm_gate": __version__, "opa_pinned": pinned_version()}
    failure: GateError | None = None
    try:
        opa = find_opa(opa_bin)
        known.update(opa=opa.version, opa_path=opa.path)
    except GateError as err:
        known.update(opa=None, opa_path=None)
        failure = err
    try:
        known["policy_revision"] = _policy_source(policy, ()).revision()
    except GateError as err:
        known["policy_revision"] = None
        failure = failure or err
    click.echo(json.dumps(known, indent=2))
    if failure is not None:
        raise failure


# Commands that live in modules of their own, by name. They are imported only when that
# command runs, so `check` does not pay for PyGithub, numpy or the audit code at start-up.
# tests/test_cli.py checks this table against what each module registers.
LAZY_COMMANDS: dict[str, str] = {
    "collect": "gate._cli_collect",
    "validate": "gate._cli_collect",
    "report": "gate._cli_github",
    "reproduce": "gate._cli_examples",
    "record": "gate._cli_audit",
    "ledger": "gate._cli_audit",
    "replay": "gate._cli_audit",
    "docs": "gate._cli_audit",
    "attest": "gate._cli_audit",
    "monitor": "gate._cli_monitor",
    "verify": "gate._cli_attest",
    "keygen": "gate._cli_attest",
}


def lazy_command(name: str) -> click.Command:
    """Import the module that defines ``name`` and return that command."""
    import importlib

    holder = click.Group()
    importlib.import_module(LAZY_COMMANDS[name]).register(holder)
    return holder.commands[name]


def main() -> None:
    try:
        cli.main(prog_name="mrm-gate", standalone_mode=True)
    except click.exceptions.Exit as exc:  # pragma: no cover - click handles this itself
        sys.exit(exc.exit_code)


__all__ = ["EXIT_INVALID", "cli", "evaluate", "main"]
