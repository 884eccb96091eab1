"""`mrm-gate promote`, `demote` and `trace`. Registered by gate.cli.root; prints and exits only
through click and the group's GateError handling.

The tracking server is MLFLOW_TRACKING_URI; the gate's MLflow identity is
MLFLOW_TRACKING_USERNAME / MLFLOW_TRACKING_PASSWORD (never printed)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from gate.cli.options import github_options, policy_options, stage_option, timeout_option
from gate.clock import now_option, resolve_now
from gate.errors import EvidenceError, UsageError
from gate.fileio import write_atomic

if TYPE_CHECKING:
    from gate.decision import Decision

PROMOTION_STAGES = ("staging", "production")
_FILE = click.Path(dir_okay=False, path_type=Path)


def tracking_uri() -> str:
    uri = os.environ.get("MLFLOW_TRACKING_URI")
    if not uri:
        raise UsageError(
            "MLFLOW_TRACKING_URI is not set",
            hint="point it at the MLflow tracking server that holds the model registry",
        )
    return uri


def _recheck_registry(uri: str, bundle: dict[str, Any]) -> None:
    """The candidate on the server must still be the gated artefact and data."""
    from gate.collect.mlflow import RegistryRef, link_problems, read_logged

    facts = bundle["collected"]["mlflow"]
    ref = RegistryRef(facts["run_id"], facts["registered_model"], facts["model_version"])
    label = f"models:/{ref.model_name}/{ref.version}"
    problems = link_problems(read_logged(uri, ref, label=label), bundle, label=label)
    if problems:
        raise EvidenceError(
            f"the registry no longer matches the bundle ({len(problems)} problem(s))",
            problems,
            hint="collect again from the registered candidate, then promote",
        )


@click.command("promote")
@click.option("--bundle", "bundle_path", required=True, type=_FILE, help="Evidence bundle.")
@stage_option(PROMOTION_STAGES)
@github_options
@click.option(
    "--attestation",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Signed attestation of the decision; its digest goes into the record.",
)
@click.option("--output", type=_FILE, default=None, help="Write the outcome JSON here.")
@timeout_option
@now_option("Evaluation and promotion time, RFC 3339 (default: now).")
@policy_options
def promote_cmd(
    bundle_path: Path,
    stage: str,
    use_github: bool,
    config_path: Path | None,
    attestation: Path | None,
    output: Path | None,
    timeout: float,
    now: str | None,
    policy: Path | None,
    data_files: tuple[Path, ...],
    opa_bin: str | None,
) -> int:
    """Evaluate the bundle at STAGE and, only when allowed, set the registry alias of
    the stage to the model version and write the compliance record on it.

    Exit 0 promoted, 1 denied (the registry untouched), 2 invalid evidence (also a
    registry that no longer matches the bundle), 3 engine or registry fault.
    """
    from gate.cli.root import Collector, _engine, _policy_source, evaluate
    from gate.evidence import load_bundle
    from gate.registry.promote import governed_model, promote

    uri = tracking_uri()
    instant = resolve_now(now)
    bundle = load_bundle(bundle_path)
    governed_model(bundle)
    _recheck_registry(uri, bundle)
    engine = _engine(None, opa_bin, _policy_source(policy, data_files), timeout)
    collector: Collector | None = None
    if use_github:
        from gate.github.collect import collector_from_env

        collector = collector_from_env(config_path)
    decision = evaluate(bundle_path, stage, engine, now=instant, collector=collector)
    if not decision.allow:
        _say_denied(decision)
        return decision.exit_code
    done = promote(uri, bundle, decision, attestation=attestation, now=instant)
    text = json.dumps(done.to_json(), indent=2, sort_keys=True) + "\n"
    if output is not None:
        write_atomic(output, text)
    click.echo(text, nl=False)
    click.echo(f"mrm-gate: promoted {done.model} version {done.version} to @{done.alias}", err=True)
    return 0


def _say_denied(decision: Decision) -> None:
    """Why promotion was refused: the violations and the approvals missing."""
    for v in decision.violations:
        click.echo(f"mrm-gate: {v.get('control_id')}: {v.get('msg')}", err=True)
    for a in decision.missing_approvals:
        click.echo(f"mrm-gate: approval missing: {a.get('role')}", err=True)
    click.echo(f"mrm-gate: {decision.stage} denied: the registry was not changed", err=True)


@click.command("demote")
@click.option("--model", required=True, help="Governed registered model.")
@stage_option(PROMOTION_STAGES)
@click.option(
    "--monitoring",
    "monitoring",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The JSON decision of `mrm-gate monitor`: only an alert (allow false) demotes.",
)
@now_option("Demotion time, RFC 3339 (default: now).")
def demote_cmd(model: str, stage: str, monitoring: Path, now: str | None) -> int:
    """On a monitoring alert, move the stage's alias back to the version promoted before
    (or remove it) and tag the demoted version with the alert. Exit 0 when nothing was
    alerted (nothing changes), 1 when the model was demoted."""
    from gate.fileio import load_document
    from gate.registry.promote import demote

    doc = load_document(monitoring)
    if not isinstance(doc, dict) or not isinstance(doc.get("allow"), bool):
        raise UsageError(f"{monitoring}: expected a decision JSON with a boolean 'allow'")
    if doc["allow"]:
        click.echo(f"mrm-gate: no monitoring alert: {model}@{stage} unchanged", err=True)
        return 0
    alerts = sorted({str(v.get("control_id")) for v in doc.get("violations", [])})
    reason = "monitoring alert: " + (", ".join(alerts) or "denied")
    done = demote(tracking_uri(), model, stage, reason=reason, now=resolve_now(now))
    click.echo(json.dumps(done.to_json(), indent=2, sort_keys=True))
    where = f"back to version {done.version}" if done.version else "removed (no earlier version)"
    demoted = done.record["mrm_gate.demoted_version"]
    click.echo(
        f"mrm-gate: DEMOTED {model} version {demoted} ({reason}); @{stage} {where}", err=True
    )
    return 1


@click.command("trace")
@click.argument("decision_id")
@click.option(
    "--log",
    "log_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Production decision log directory (Parquet files of the scoring service).",
)
@click.option(
    "--format", "fmt", type=click.Choice(["json", "markdown"]), default="json", show_default=True
)
@click.option("--output", type=_FILE, default=None, help="Write the trace here (atomically).")
def trace_cmd(decision_id: str, log_dir: Path, fmt: str, output: Path | None) -> None:
    """Trace one production decision to its model version, registry record, training run,
    commit, environment, hyperparameters, data, validation, approvals, the gate decision
    that promoted it and its byte-identical reproduction."""
    from gate.registry.trace import to_markdown, trace

    record = trace(tracking_uri(), log_dir, decision_id)
    text = (
        to_markdown(record)
        if fmt == "markdown"
        else json.dumps(record, indent=2, sort_keys=True) + "\n"
    )
    if output is not None:
        write_atomic(output, text)
        click.echo(f"mrm-gate: trace written to {output}", err=True)
    else:
        click.echo(text, nl=False)


def register(cli: click.Group) -> None:
    """Attach the commands of this module to the main group."""
    cli.add_command(promote_cmd)
    cli.add_command(demote_cmd)
    cli.add_command(trace_cmd)
