"""The `mrm-gate` group (its error handling and the table of commands loaded on first use),
`check`, and what the command modules share. The CLI is the only package that prints or exits."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

from gate import app
from gate.cli.options import (
    github_options,
    opa_url_option,
    policy_options,
    report_options,
    stage_option,
    timeout_option,
)
from gate.clock import now_option, resolve_now
from gate.decision import Decision
from gate.engine.interface import PolicyEngine
from gate.errors import EXIT_ENGINE, EXIT_INVALID, GateError, UsageError
from gate.fileio import write_atomic
from gate.policy import PolicySource

if TYPE_CHECKING:
    from gate.report.context import ReportContext


class _GateGroup(click.Group):
    """The one place a command ends: it returns its exit code (None for 0), or raises a
    GateError, which becomes its message and its exit code. Loads the commands of
    LAZY_COMMANDS on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *LAZY_COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in LAZY_COMMANDS and cmd_name not in self.commands:
            return lazy_command(cmd_name)
        return super().get_command(ctx, cmd_name)

    def invoke(self, ctx: click.Context) -> NoReturn:
        try:
            code = super().invoke(ctx)
        except GateError as err:
            click.echo(f"mrm-gate: error: {err.diagnostics()}", err=True)
            if ctx.params.get("verbose"):
                import traceback

                traceback.print_exception(err)
            code = err.exit_code
        except KeyboardInterrupt:
            # click would say "Aborted!" and exit 1, which in this contract means "denied
            # by policy": an interrupted run decided nothing, so it is an error of its own.
            click.echo(
                "mrm-gate: error: interrupted before the command finished: nothing was "
                "decided and no output was written; run it again",
                err=True,
            )
            code = EXIT_ENGINE
        ctx.exit(code or 0)


@click.group(cls=_GateGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", is_flag=True, help="Show tracebacks for errors.")
def cli(verbose: bool) -> None:
    """mrm-gate: block merges and deploys of models that lack compliance evidence.

    Exit codes: 0 allowed, 1 denied by policy, 2 evidence or usage invalid,
    3 engine or infrastructure error.
    """


def _policy_source(policy: Path | None, data_files: tuple[Path, ...]) -> PolicySource:
    return app.policy_source(policy, data_files)


def _engine(
    opa_url: str | None, opa_bin: str | None, source: PolicySource, timeout: float
) -> PolicyEngine:
    return app.choose_engine(opa_url, opa_bin, source, timeout)


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        click.echo(text, nl=not text.endswith("\n"))
    else:
        write_atomic(output, text)


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
    from gate.report.text import verdict

    color = output is None and sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    context = _report_context(
        fmt, bundle_path, decision, github_collected=github_collected,
        only_failed=only_failed, color=color,
    )  # fmt: skip
    _emit(render(fmt, decision, context), output)
    if output is not None:
        click.echo(f"mrm-gate: {verdict(decision.allow)}; report written to {output}", err=True)


def _report_context(
    fmt: str,
    bundle_path: Path,
    decision: Decision,
    *,
    github_collected: bool,
    only_failed: bool,
    color: bool,
) -> ReportContext | None:
    """What the formatter of ``fmt`` is told besides the decision (None for a format that
    reads none, which so costs no reading of the bundle's sources)."""
    from gate.report.formats import CONTEXT_FREE

    if fmt in CONTEXT_FREE:
        return None
    from gate.report.context import load_context

    return load_context(
        bundle_path,
        decision,
        github_collected=github_collected,
        only_failed=only_failed,
        color=color,
    )


Collector = app.Collector


def evaluate(
    bundle_path: Path,
    stage: str,
    engine: PolicyEngine,
    *,
    now: str,
    collector: Collector | None = None,
) -> Decision:
    """Load, validate and evaluate one bundle (see :func:`gate.app.evaluate`)."""
    return app.evaluate(bundle_path, stage, engine, now=now, collector=collector).decision


@cli.command()
@click.option(
    "--bundle",
    "bundle_paths",
    required=True,
    multiple=True,
    type=click.Path(path_type=Path),
    help="Evidence bundle JSON (from `mrm-gate collect`). Repeat it, or name a folder of "
    "bundles, to check many in one call (with --output-dir).",
)
@stage_option()
@opa_url_option
@report_options
@click.option(
    "--output-dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Check every bundle given and write one report per bundle here, named after it "
    "(each byte for byte the report of a single check); exit 1 if any is denied.",
)
@now_option("Evaluation time, RFC 3339 (default: the current time). For replays.")
@timeout_option
@github_options
@policy_options
def check(
    bundle_paths: tuple[Path, ...],
    stage: str,
    opa_url: str | None,
    fmt: str,
    output: Path | None,
    output_dir: Path | None,
    only_failed: bool,
    now: str | None,
    timeout: float,
    use_github: bool,
    config_path: Path | None,
    policy: Path | None,
    data_files: tuple[Path, ...],
    opa_bin: str | None,
) -> int:
    """Evaluate an evidence bundle at a stage and exit with the decision."""
    if output_dir is not None or len(bundle_paths) > 1 or bundle_paths[0].is_dir():
        if output_dir is None or output is not None or use_github:
            raise UsageError(
                "checking several bundles needs --output-dir, and takes neither --output "
                "nor --github (approvals are collected per pull request)"
            )
    engine = _engine(opa_url, opa_bin, _policy_source(policy, data_files), timeout)
    if output_dir is not None:
        return _check_many(
            bundle_paths, stage, fmt, output_dir, resolve_now(now), engine, only_failed
        )
    collector: Collector | None = None
    if use_github:
        from gate.github.collect import collector_from_env

        collector = collector_from_env(config_path)
    decision = evaluate(bundle_paths[0], stage, engine, now=resolve_now(now), collector=collector)
    emit_report(decision, bundle_paths[0], fmt, output, only_failed, github_collected=use_github)
    return decision.exit_code


# The file name of each format's report in --output-dir.
SUFFIXES = {"table": ".txt", "json": ".json", "markdown": ".md", "sarif": ".sarif",
            "junit": ".xml", "github": ".txt"}  # fmt: skip


def _bundle_files(paths: tuple[Path, ...]) -> list[Path]:
    """The bundles named, a folder standing for its *.json, *.yaml and *.yml files."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.iterdir() if p.suffix in (".json", ".yaml", ".yml"))
        else:
            found.append(path)
    return found


def _check_many(
    paths: tuple[Path, ...],
    stage: str,
    fmt: str,
    output_dir: Path,
    now: str,
    engine: PolicyEngine,
    only_failed: bool,
) -> int:
    from gate.report import render

    bundles = _bundle_files(paths)
    targets = [output_dir / (p.name.split(".")[0] + SUFFIXES[fmt]) for p in bundles]
    if not bundles or len(set(targets)) != len(targets):
        raise UsageError(
            "give at least one bundle, with distinct file names (each names its report)"
        )
    done = app.evaluate_many(bundles, stage, engine, now=now)
    for path, target, evaluation in zip(bundles, targets, done, strict=True):
        context = _report_context(
            fmt, path, evaluation.decision, github_collected=False,
            only_failed=only_failed, color=False,
        )  # fmt: skip
        write_atomic(target, render(fmt, evaluation.decision, context))
    denied = sum(1 for e in done if not e.decision.allow)
    click.echo(
        f"mrm-gate: {len(done) - denied} allowed, {denied} denied; reports written to {output_dir}",
        err=True,
    )
    return 1 if denied else 0


# Commands that live in modules of their own, by name. They are imported only when that
# command runs, so `check` does not pay for PyGithub, numpy or the audit code at start-up.
# tests/test_cli.py checks this table against what each module registers.
LAZY_COMMANDS: dict[str, str] = {
    "bundle": "gate.cli.policy",
    "controls": "gate.cli.policy",
    "version": "gate.cli.policy",
    "collect": "gate.cli.evidence",
    "validate": "gate.cli.evidence",
    "reproduce": "gate.cli.evidence",
    "report": "gate.cli.github",
    "record": "gate.cli.audit",
    "ledger": "gate.cli.audit",
    "replay": "gate.cli.audit",
    "docs": "gate.cli.audit",
    "attest": "gate.cli.audit",
    "verify": "gate.cli.attest",
    "keygen": "gate.cli.attest",
    "monitor": "gate.cli.monitor",
    "promote": "gate.cli.registry",
    "demote": "gate.cli.registry",
    "trace": "gate.cli.registry",
}


def lazy_command(name: str) -> click.Command:
    """Import the module that defines ``name`` and return that command."""
    import importlib

    holder = click.Group()
    importlib.import_module(LAZY_COMMANDS[name]).register(holder)
    return holder.commands[name]


def main() -> None:
    cli.main(prog_name="mrm-gate")


__all__ = ["EXIT_INVALID", "cli", "evaluate", "main"]
