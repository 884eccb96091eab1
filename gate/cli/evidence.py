"""The evidence commands: `mrm-gate collect`, `validate` and `reproduce` (which re-runs the
training and records the reproduced artefact's hash in the bundle). Registered by
gate.cli.root; they print and exit only through click and the group's GateError handling."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from gate.clock import now_option, resolve_now
from gate.collect import CollectOptions, collect
from gate.evidence import bundle_digest, load_bundle
from gate.fileio import write_atomic
from gate.reproduce import reproduce


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


@click.command("reproduce")
@click.option(
    "--bundle",
    "bundle_path",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Evidence bundle whose reproducibility section is re-run.",
)
@click.option(
    "--repo",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="Git checkout of the model repository; HEAD must be the recorded commit.",
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the bundle here with reproduced_artifact_sha256 and reproduced_at recorded.",
)
@click.option("--timeout", default=1800.0, show_default=True, help="Training timeout, seconds.")
@now_option("Time recorded as reproduced_at, RFC 3339 (default: now).")
def reproduce_cmd(
    bundle_path: Path, repo: Path, output: Path | None, timeout: float, now: str | None
) -> int:
    """Re-run the recorded training and compare the artefact's sha256.

    Exit 0 when the artefact is byte-identical, 1 when it differs (or the data or the run
    does), 2 when a reference (commit, data snapshot, command, hash) is missing.
    """
    bundle = load_bundle(bundle_path)
    result = reproduce(bundle, repo, now=resolve_now(now), timeout=timeout)
    for line in result.messages:
        click.echo(f"mrm-gate: {line}", err=True)
    if output is not None and result.reproduced_sha256 is not None:
        bundle["reproducibility"]["reproduced_artifact_sha256"] = result.reproduced_sha256
        bundle["reproducibility"]["reproduced_at"] = result.reproduced_at
        write_atomic(output, json.dumps(bundle, indent=2, sort_keys=True) + "\n")
    click.echo(json.dumps(result.to_json(), indent=2, sort_keys=True))
    verdict = "identical" if result.identical else "NOT reproduced"
    click.echo(f"mrm-gate: artefact {verdict}", err=True)
    return result.exit_code


def register(cli: click.Group) -> None:
    """Attach the commands of this module to the main group."""
    cli.add_command(collect_cmd)
    cli.add_command(validate_cmd)
    cli.add_command(reproduce_cmd)
