"""`mrm-gate bundle`, `controls` and `version`: the policies themselves."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from gate import __version__
from gate.cli.options import policy_options
from gate.cli.root import _emit, _policy_source
from gate.engine.toolchain import find_opa, pinned_version
from gate.errors import GateError, UsageError
from gate.policy import build_bundle


@click.command()
@click.option(
    "--output",
    required=True,
    type=click.Path(path_type=Path),
    help="Where to write the bundle (.tar.gz).",
)
@policy_options
def bundle(
    output: Path, policy: Path | None, data_files: tuple[Path, ...], opa_bin: str | None
) -> None:
    """Build an OPA bundle of the policies, stamped with their revision."""
    source = _policy_source(policy, data_files)
    if source.is_bundle_file:
        raise UsageError("--policy must be a directory to build a bundle from")
    revision = build_bundle(find_opa(opa_bin).path, source, output)
    click.echo(f"wrote {output} (revision {revision})")


@click.command()
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
        raise UsageError("--policy must be a directory of Rego files")
    found = catalogue.inspect_controls(find_opa(opa_bin).path, source.path)
    if fmt == "json":
        text = json.dumps([c.to_dict() for c in found], indent=2) + "\n"
    elif fmt == "markdown":
        text = catalogue.to_markdown(found)
    else:
        text = catalogue.to_table(found)
    _emit(text, output)


@click.command()
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


def register(cli: click.Group) -> None:
    """Attach the commands of this module to the main group."""
    cli.add_command(bundle)
    cli.add_command(controls)
    cli.add_command(version)
