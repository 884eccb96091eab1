"""`mrm-gate collect` and `mrm-gate validate`. Registered by gate._cli; prints and exits only
through click and the group's GateError handling."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from gate.clock import now_option
from gate.collect import CollectOptions, collect
from gate.evidence import bundle_digest, load_bundle
from gate.fileio import write_atomic


@contextmanager
def _progress_bar(label: str, size: int) -> Iterator[Callable[[int], None]]:
    """A progress bar on stderr, used only for large files when stderr is a terminal."""
    with click.progressbar(
        length=size, label=f"hashing {label}", file=sys.stderr, show_eta=True
    ) as bar:
        yield bar.update


@click.command("collect")
@click.option(
    "--repo",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="Repository root: every path in the config is relative to it.",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Repository config (default: REPO/.mrm-gate.yml).",
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where to write the bundle, atomically (default: REPO/evidence/bundle.json).",
)
@click.option(
    "--base",
    default=None,
    help="Base ref of the change range (default: GITHUB_BASE_REF; none: the HEAD commit only).",
)
@now_option("Collection time recorded in collected.collected_at, RFC 3339 (default: now).")
@click.option(
    "--github",
    "use_github",
    is_flag=True,
    default=False,
    help="Also read the platform facts from the GitHub API (GITHUB_TOKEN, GITHUB_API_URL, "
    "GITHUB_REPOSITORY, GITHUB_EVENT_PATH): branch protection, check runs of the commit, "
    "commit authors. API failures exit 3.",
)
def collect_cmd(
    repo: Path,
    config_path: Path | None,
    output: Path | None,
    base: str | None,
    now: str | None,
    use_github: bool,
) -> None:
    """Build the evidence bundle from the repository, git and the CI environment (and, with
    --github, the GitHub API).

    Prints the bundle digest that approvals bind to. Nothing is written when any input is
    invalid (exit 2) or the GitHub API fails (exit 3).
    """
    target = output if output is not None else repo / "evidence" / "bundle.json"
    result = collect(
        CollectOptions(
            repo=repo,
            config=config_path,
            output=target,
            base=base,
            env=dict(os.environ),
            now=now,
            progress=_progress_bar if sys.stderr.isatty() else None,
            github=use_github,
        )
    )
    write_atomic(target, result.data)
    click.echo(f"wrote {target}", err=True)
    click.echo(result.digest)


@click.command("validate")
@click.option(
    "--bundle",
    "bundle_path",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Evidence bundle JSON to check against schemas/evidence-bundle.schema.json.",
)
def validate_cmd(bundle_path: Path) -> None:
    """Check a bundle against the schema, reporting every problem at once (exit 2)."""
    bundle = load_bundle(bundle_path)
    click.echo(f"valid {bundle_digest(bundle)}")


def register(cli: click.Group) -> None:
    """Attach the commands of this module to the main group."""
    cli.add_command(collect_cmd)
    cli.add_command(validate_cmd)
