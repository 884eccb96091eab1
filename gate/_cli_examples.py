"""`mrm-gate reproduce`. Registered by gate._cli; prints and exits only through click."""

from __future__ import annotations

import json
from pathlib import Path

import click

from gate.clock import now_option, resolve_now
from gate.evidence import load_bundle
from gate.fileio import write_atomic
from gate.reproduce import reproduce


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
) -> None:
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
    click.get_current_context().exit(result.exit_code)


def register(cli: click.Group) -> None:
    """Attach the commands of this module to the main group."""
    cli.add_command(reproduce_cmd)
