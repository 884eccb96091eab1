"""`mrm-gate monitor`: judge a production window against the model's monitoring plan.

Exit codes: 0 ok (also warn, with the warnings printed; --fail-on-warn turns warn into 1),
1 alert, 2 bad input (file and column named), 3 engine or GitHub error.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from gate.cli.options import format_option, opa_url_option, policy_options, timeout_option
from gate.clock import now_option, resolve_now
from gate.errors import EXIT_DENIED, EvidenceError, Problem, UsageError
from gate.fileio import write_atomic

if TYPE_CHECKING:
    from gate.decision import Decision


def register(cli: click.Group) -> None:
    """Add `monitor` to the CLI group."""
    cli.add_command(monitor)


_PATH = click.Path(path_type=Path, dir_okay=False)


@click.command()
@click.option("--bundle", "bundle_path", required=True, type=_PATH, help="The model's bundle.")
@click.option("--baseline", "baseline_path", required=True, type=_PATH, help="Baseline sample.")
@click.option("--current", "current_path", type=_PATH, default=None, help="Current window.")
@click.option(
    "--decision-log",
    "decision_log",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Instead of --current: the production decision log; the window is the decisions "
    "of the version the registry's @production alias points at, which must be this "
    "bundle's artefact (MLFLOW_TRACKING_URI).",
)
@click.option("--outcomes", "outcomes_path", type=_PATH, default=None, help="Matured outcomes.")
@click.option(
    "--output",
    "output_path",
    required=True,
    type=_PATH,
    help="Where to write the bundle with monitoring.latest filled (atomically).",
)
@click.option("--report", "report_path", type=_PATH, default=None, help="Full figures as JSON.")
@click.option(
    "--history",
    "history_path",
    type=_PATH,
    default=None,
    help="The model's monitoring history (JSON Lines): this period is added to it.",
)
@click.option(
    "--report-html",
    "report_html",
    type=_PATH,
    default=None,
    help="Write the monitoring report (HTML) over every period in --history.",
)
@click.option("--baseline-id", default=None, help="Name of the baseline (default: file stem).")
@click.option("--period-start", default=None, help="First day of the period (YYYY-MM-DD).")
@click.option("--period-end", default=None, help="Last day of the period (YYYY-MM-DD).")
@click.option(
    "--as-of",
    default=None,
    help="Date or time outcomes are known at, for the label delay (default: --now).",
)
@now_option("Evaluation time, RFC 3339 (default: now).")
@click.option(
    "--engine",
    "compute_engine",
    type=click.Choice(["duckdb", "spark", "numpy"]),
    default="duckdb",
    show_default=True,
    help="Where the figures are computed: duckdb streams the files in one pass within "
    "--memory-limit; spark runs the same SQL on --spark-master; numpy reads both windows "
    "whole into memory.",
)
@click.option(
    "--memory-limit",
    default="1GB",
    show_default=True,
    help="DuckDB's memory limit; beyond it DuckDB spills to a temporary folder.",
)
@click.option(
    "--spark-master",
    default="local[*]",
    show_default=True,
    help="Spark master URL for --engine spark (local[*], spark://host:7077, yarn, ...).",
)
@opa_url_option
@timeout_option
@click.option(
    "--github",
    "use_github",
    is_flag=True,
    help="Open or update one issue per alert kind and write the job summary "
    "(GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_API_URL, GITHUB_STEP_SUMMARY).",
)
@click.option("--fail-on-warn", is_flag=True, help="Exit 1 on warn as well as on alert.")
@format_option(
    "summary",
    "summary: the monitoring figures; the others: the decision, as for `check`.",
    own=("summary",),
    show_default=True,
)
@policy_options
def monitor(**options: Any) -> int:
    """Compute PSI/CSI, AIR, outcome analysis and overrides for a window, write them into a
    copy of the bundle as monitoring.latest and evaluate it at stage `monitoring`.

    Exit codes: 0 ok or warn, 1 alert (or warn with --fail-on-warn), 2 bad input,
    3 engine or GitHub error.
    """
    return run(MonitorOptions(**options))


@dataclass(frozen=True)
class MonitorOptions:
    """What `monitor` was asked, one field per option (click's parameter names)."""

    bundle_path: Path
    baseline_path: Path
    current_path: Path | None
    decision_log: Path | None
    outcomes_path: Path | None
    output_path: Path
    report_path: Path | None
    history_path: Path | None
    report_html: Path | None
    baseline_id: str | None
    period_start: str | None
    period_end: str | None
    as_of: str | None
    now: str | None
    compute_engine: str
    memory_limit: str
    spark_master: str
    opa_url: str | None
    timeout: float
    use_github: bool
    fail_on_warn: bool
    fmt: str
    policy: Path | None
    data_files: tuple[Path, ...]
    opa_bin: str | None


def run(o: MonitorOptions) -> int:
    """Read the bundle and its plan, then judge the window (a file, or the production
    decisions of the version in production)."""
    from gate.evidence import load_bundle
    from gate.monitor.plan import read_plan

    _check_usage(o)
    decided_at = resolve_now(o.now)
    bundle = load_bundle(o.bundle_path)
    plan = read_plan(bundle, str(o.bundle_path))
    if o.decision_log is None:
        return _judge(o, bundle, plan, decided_at)
    with tempfile.TemporaryDirectory(prefix="mrm-gate-window-") as tmp:
        current = _production_window(bundle, plan, o.decision_log, Path(tmp))
        return _judge(replace(o, current_path=current), bundle, plan, decided_at)


def _production_window(bundle: dict[str, Any], plan: Any, log: Path, tmp: Path) -> Path:
    """The decisions of the model version in production, as a window file; that version
    must be the one promoted from this bundle's artefact."""
    from gate.cli.registry import tracking_uri
    from gate.collect.mlflow import mlflow_client
    from gate.registry import decision_log
    from gate.registry.client import TAG, read

    model = str(bundle["model"]["id"])
    client = mlflow_client(tracking_uri())
    aliases = dict(read(f"read {model}", client.get_registered_model, model).aliases or {})
    if "production" not in aliases:
        raise UsageError(
            f"no version of {model} is in production (the registry has no {model}@production)",
            hint="promote a version with `mrm-gate promote --stage production`, or monitor "
            "a window file with --current",
        )
    mv = read(
        f"read {model} version {aliases['production']}",
        client.get_model_version,
        model,
        str(aliases["production"]),
    )
    promoted = dict(mv.tags).get(TAG + "artifact_digest")
    wanted = (bundle.get("artifact") or {}).get("digest")
    # Both absent (a bundle without an artefact, a version promoted without the gate) is no
    # match: nothing then ties the decisions to this bundle.
    if not promoted or promoted != wanted:
        raise EvidenceError(
            f"{model}@production is version {mv.version}, promoted with artefact "
            f"{promoted or '(no compliance record)'}, not this bundle's {wanted}",
            [Problem("bundle", "$.artifact.digest", "not the artefact in production",
                     f"monitor with the bundle promoted as {model} version {mv.version}")],
        )  # fmt: skip
    window = tmp / "current.parquet"
    count = decision_log.window(log, model, str(mv.version), plan, window)
    click.echo(
        f"mrm-gate: monitoring {model} version {mv.version} (@production): {count} "
        f"decision(s) from {log}",
        err=True,
    )
    return window


def _judge(o: MonitorOptions, bundle: dict[str, Any], plan: Any, decided_at: str) -> int:
    """Compute the window's figures, decide on them, write every output asked for."""
    from gate.monitor import evidence as ev

    result = _figures(plan, o, decided_at)
    new_bundle = ev.monitored_bundle(bundle, result.latest, str(o.output_path))
    decision = _decide(new_bundle, o, decided_at)
    verdict = ev.outcome(decision)
    _write_outputs(o, new_bundle, result, decision, verdict)
    summary = ev.summary_markdown(plan.model_id, verdict, result.latest, decision)
    if o.fmt == "summary":
        click.echo(summary, nl=False)
    else:
        from gate.cli.root import emit_report

        emit_report(decision, o.output_path, o.fmt, None, False, github_collected=o.use_github)
    if o.use_github:
        _publish(plan.model_id, summary, decision)
    click.echo(f"mrm-gate: monitoring {verdict}; bundle written to {o.output_path}", err=True)
    if verdict == ev.ALERT or (verdict == ev.WARN and o.fail_on_warn):
        return EXIT_DENIED
    return 0


def _check_usage(o: MonitorOptions) -> None:
    from gate.monitor.run import parse_time

    if (o.current_path is None) == (o.decision_log is None):
        raise UsageError("give one of --current and --decision-log")
    if (o.period_start is None) != (o.period_end is None):
        raise UsageError("give both --period-start and --period-end, or neither")
    if o.period_start and o.period_end:
        parse_time(o.period_start, "--period-start")
        parse_time(o.period_end, "--period-end")
        if o.period_end < o.period_start:
            raise UsageError("--period-end is before --period-start")
    if o.output_path.resolve() == o.bundle_path.resolve():
        raise UsageError("--output must differ from --bundle: the input bundle is kept as is")


def _figures(plan: Any, o: MonitorOptions, decided_at: str) -> Any:
    """The monitoring figures of the window, computed by the engine asked for."""
    from gate.monitor.run import Options, compute, parse_time
    from gate.monitor.tables import read_table

    opts = Options(
        baseline_id=o.baseline_id or o.baseline_path.name.split(".")[0],
        computed_at=decided_at,
        as_of=parse_time(o.as_of or decided_at, "--as-of"),
        period=(o.period_start, o.period_end) if o.period_start and o.period_end else None,
        engine=o.compute_engine,
    )
    if o.compute_engine == "numpy":
        baseline = read_table(o.baseline_path, "baseline")
        current = read_table(o.current_path, "current")  # type: ignore[arg-type]
        outcomes = read_table(o.outcomes_path, "outcomes") if o.outcomes_path else None
        return compute(plan, baseline, current, outcomes, opts)
    return _compute_sql(
        plan,
        {"baseline": o.baseline_path, "current": o.current_path, "outcomes": o.outcomes_path},
        opts,
        memory_limit=o.memory_limit,
        spark_master=o.spark_master,
    )


def _decide(new_bundle: dict[str, Any], o: MonitorOptions, decided_at: str) -> Decision:
    """The monitored bundle evaluated at stage `monitoring`, through gate.app like check."""
    from gate import app
    from gate.cli.root import _engine, _policy_source

    engine = _engine(o.opa_url, o.opa_bin, _policy_source(o.policy, o.data_files), o.timeout)
    policy_input = app.policy_input_for(
        new_bundle,
        "monitoring",
        now=decided_at,
        repository=os.environ.get("GITHUB_REPOSITORY", ""),
    )
    return app.decide(engine, policy_input)


def _write_outputs(
    o: MonitorOptions, new_bundle: dict[str, Any], result: Any, decision: Decision, verdict: str
) -> None:
    """The monitored bundle, and the JSON report, history and HTML report when asked."""
    from gate.monitor import evidence as ev

    write_atomic(o.output_path, ev.bundle_text(new_bundle))
    if o.report_path is not None:
        report = {
            **result.report,
            "outcome": verdict,
            "latest": result.latest,
            "decision": decision.to_dict(),
        }
        write_atomic(o.report_path, json.dumps(report, indent=2, allow_nan=False) + "\n")
    if o.history_path is not None or o.report_html is not None:
        from gate.audit.docs_pack import monitoring_report

        monitoring_report.write(o.history_path, o.report_html, new_bundle, result.latest,
                                decision, verdict)  # fmt: skip


def _compute_sql(
    plan: object,
    paths: dict[str, Path | None],
    opts: object,
    *,
    memory_limit: str,
    spark_master: str,
) -> Any:
    from gate.monitor import streaming
    from gate.monitor.plan import Plan
    from gate.monitor.run import Options

    assert isinstance(plan, Plan) and isinstance(opts, Options)
    views = {
        streaming.BASELINE: paths["baseline"],
        streaming.CURRENT: paths["current"],
        streaming.OUTCOMES: paths["outcomes"],
    }
    engine, labels = streaming.open_engine(
        opts.engine,
        {view: path for view, path in views.items() if path is not None},
        memory_limit=memory_limit,
        spark_master=spark_master,
    )
    try:
        return streaming.compute_sql(plan, engine, labels, opts)
    finally:
        engine.close()


def _publish(model_id: str, summary: str, decision: object) -> None:
    from gate.decision import Decision
    from gate.github.client import GitHubSettings, make_client
    from gate.github.report import append_step_summary
    from gate.monitor.evidence import alerts_by_kind
    from gate.monitor.issues import upsert_alert_issue

    assert isinstance(decision, Decision)
    if path := os.environ.get("GITHUB_STEP_SUMMARY"):
        append_step_summary(Path(path), summary)
    kinds = alerts_by_kind(decision)
    if not kinds:
        return
    settings = GitHubSettings.from_env()
    gh = make_client(settings)
    for kind, items in kinds.items():
        lines = [f"**{kind}** alert for model `{model_id}`:", ""]
        lines += [f"- {v.get('control_id')}: {v.get('msg')}" for v in items]
        body = "\n".join(lines) + "\n\n" + summary
        action, number, url = upsert_alert_issue(gh, settings, model_id, kind, body)
        click.echo(f"mrm-gate: {kind} alert issue #{number} {action} {url}".rstrip(), err=True)
