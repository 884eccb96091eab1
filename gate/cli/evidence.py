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
from typing import Any

import click

from gate.clock import now_option, resolve_now
from gate.collect import CollectOptions, collect
from gate.errors import EXIT_ALLOWED, UsageError
from gate.evidence import bundle_digest, load_bundle
from gate.fileio import load_document, write_atomic
from gate.reproduce import record_result, reproduce, result_document


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
@click.option(
    "--result",
    "result_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write the re-run's result here (schemas/reproduction-result.schema.json), "
    "for a job that does not retrain to record with --from-result.",
)
@click.option(
    "--from-result",
    "from_result",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Retrain nothing: record the result a reproduce job wrote with --result, when it "
    "is of this bundle's commit and recipe (needs --output; exit 0 once recorded).",
)
@click.option(
    "--github",
    "use_github",
    is_flag=True,
    default=False,
    help="Before retraining, read the run's pull request (GITHUB_TOKEN with Pull requests: "
    "read) and stop with exit 3 when it comes from a fork but the run is in the "
    "repository's own context (a comment, pull_request_target).",
)
@click.option("--timeout", default=1800.0, show_default=True, help="Training timeout, seconds.")
@now_option("Time recorded as reproduced_at, RFC 3339 (default: now).")
def reproduce_cmd(
    bundle_path: Path,
    repo: Path,
    output: Path | None,
    result_path: Path | None,
    from_result: Path | None,
    use_github: bool,
    timeout: float,
    now: str | None,
) -> int:
    """Re-run the recorded training and compare the artefact's sha256.

    Exit 0 when the artefact is byte-identical, 1 when it differs (or the data or the run
    does), 2 when a reference (commit, data snapshot, command, hash) is missing. With
    --from-result: 0 once the result is recorded (the policy judges it), 2 when it is
    malformed or of another commit, recipe or artefact.
    """
    bundle = load_bundle(bundle_path)
    if from_result is not None:
        return _record_result(bundle, from_result, output)
    if use_github:
        from gate.github.client import GitHubSettings
        from gate.github.collect import refuse_fork_pull_request

        refuse_fork_pull_request(GitHubSettings.from_env())
    result = reproduce(bundle, repo, now=resolve_now(now), timeout=timeout)
    for line in result.messages:
        click.echo(f"mrm-gate: {line}", err=True)
    if result_path is not None:
        document = result_document(bundle, result)
        write_atomic(result_path, json.dumps(document, indent=2, sort_keys=True) + "\n")
    if output is not None and result.reproduced_sha256 is not None:
        bundle["reproducibility"]["reproduced_artifact_sha256"] = result.reproduced_sha256
        bundle["reproducibility"]["reproduced_at"] = result.reproduced_at
        write_atomic(output, json.dumps(bundle, indent=2, sort_keys=True) + "\n")
    click.echo(json.dumps(result.to_json(), indent=2, sort_keys=True))
    verdict = "identical" if result.identical else "NOT reproduced"
    click.echo(f"mrm-gate: artefact {verdict}", err=True)
    return result.exit_code


def _record_result(bundle: dict[str, Any], from_result: Path, output: Path | None) -> int:
    if output is None:
        raise UsageError("--from-result records into the bundle: give --output")
    result = record_result(bundle, load_document(from_result), str(from_result))
    write_atomic(output, json.dumps(bundle, indent=2, sort_keys=True) + "\n")
    if result.reproduced_sha256 is None:
        outcome = "produced no artefact (see the reproduce job's log); nothing recorded"
    else:
        verdict = "identical" if result.identical else "NOT identical"
        outcome = f"produced an artefact {verdict} to the recorded one, sha256 "
        outcome += result.reproduced_sha256
    click.echo(f"mrm-gate: the reproduce job's re-run {outcome}", err=True)
    return EXIT_ALLOWED


def register(cli: click.Group) -> None:
    """Attach the commands of this module to the main group."""
    cli.add_command(collect_cmd)
    cli.add_command(validate_cmd)
    cli.add_command(reproduce_cmd)
