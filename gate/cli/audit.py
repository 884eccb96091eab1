"""Audit commands: record, ledger verify/show, replay, attest, docs."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from gate.cli.options import (
    format_option,
    github_options,
    opa_url_option,
    policy_options,
    stage_option,
    timeout_option,
)
from gate.clock import now_option, resolve_now
from gate.errors import EXIT_DENIED, UsageError
from gate.fileio import write_atomic

if TYPE_CHECKING:
    from gate.decision import Decision

DEFAULT_LEDGER = Path(".mrm-gate") / "ledger.jsonl"


def _ledger_option(f: Any) -> Any:
    return click.option(
        "--ledger",
        "ledger_path",
        type=click.Path(path_type=Path),
        envvar="MRM_GATE_LEDGER",
        default=DEFAULT_LEDGER,
        show_default=True,
        help="Ledger file (JSON lines; env MRM_GATE_LEDGER).",
    )(f)


def _signing_options(f: Any) -> Any:
    f = click.option(
        "--keyless",
        is_flag=True,
        help="Sign with Sigstore (GitHub Actions OIDC identity) instead of a key file; "
        "needs the sigstore extra and the network, otherwise fails (exit 3).",
    )(f)
    return click.option(
        "--sign-key",
        "sign_key",
        type=click.Path(path_type=Path),
        envvar="MRM_GATE_SIGNING_KEY",
        default=None,
        help="PEM private key (ed25519) that signs the ledger append and the attestation "
        "(env MRM_GATE_SIGNING_KEY).",
    )(f)


def _signer(sign_key: Path | None, keyless: bool, *, attesting: bool = False) -> Any:
    """The signer asked for, or None for an unsigned append (refused when ``attesting``)."""
    from gate.attest.keys import keyless_signer, load_signer

    if sign_key is not None and keyless:
        raise UsageError("pass one of --sign-key or --keyless, not both")
    if keyless:
        return keyless_signer(os.environ)
    if sign_key is None and attesting:
        raise UsageError(
            "--attestation needs a signer: pass --sign-key KEY (or --keyless in CI)",
            hint="create a key pair with `mrm-gate keygen --output DIR`",
        )
    return load_signer(sign_key) if sign_key is not None else None


def _trust_option(f: Any) -> Any:
    return click.option(
        "--key",
        "trust_path",
        type=click.Path(path_type=Path),
        default=None,
        help="Trust file (or PEM public key) of the keys that sign this ledger; every "
        "record and the head must then carry a valid signature by one of them.",
    )(f)


def _load_json(path: Path) -> dict[str, Any]:
    from gate.errors import EvidenceError, Problem
    from gate.fileio import load_document

    doc = load_document(path)
    if not isinstance(doc, dict):
        raise EvidenceError(
            f"{path}: expected a JSON object",
            [Problem(str(path), "$", "not an object", "pass the file written by the gate")],
        )
    return doc


def _decision_doc(path: Path) -> tuple[Decision, list[dict[str, Any]]]:
    """A decision from `check --format json`, or the decision inside a decision record,
    read by the one strict reader; the record's approval evidence beside it."""
    from gate.audit.record import API_VERSION
    from gate.decision import Decision

    doc = _load_json(path)
    if doc.get("apiVersion") == API_VERSION and isinstance(doc.get("decision"), dict):
        decision = Decision.from_json(doc["decision"], f"{path} (its decision)")
        return decision, list(doc.get("approvals") or [])
    return Decision.from_json(doc, str(path)), []


def _attestable(rec: dict[str, Any], policy_input: Any) -> None:
    """Refuse, before anything is appended, a decision that cannot be attested."""
    from gate.attest.statement import build_statement

    try:
        build_statement(rec, policy_input.value, None)
    except ValueError as exc:
        raise UsageError(
            f"cannot attest this decision: {exc}; nothing was recorded",
            hint="collect the bundle with the model artefact (artifact.digest)",
        ) from None


def _write_attestation(
    path: Path, rec: dict[str, Any], policy_input: Any, entry: Any, signer: Any
) -> None:
    from gate.attest.envelope import IN_TOTO_PAYLOAD, sign
    from gate.attest.statement import build_statement
    from gate.fileio import canonical_json

    statement = build_statement(rec, policy_input.value, {"index": entry.index, "hash": entry.hash})
    envelope = sign(canonical_json(statement), IN_TOTO_PAYLOAD, signer)
    write_atomic(path, json.dumps(envelope, indent=2) + "\n")
    click.echo(f"mrm-gate: decision attestation written to {path}", err=True)


def _trust(trust_path: Path | None) -> Any:
    from gate.attest.keys import load_trust

    return load_trust(trust_path) if trust_path is not None else None


def _signed(book: Any, index: int, trust: Any) -> bool:
    """False, with the reasons printed, for a ledger whose signatures do not verify: its
    records are then neither replayed nor attested."""
    result = book.verify(trust=trust)
    if result.ok:
        return True
    for at, problem in result.problems:
        click.echo(f"  record {at}: {problem}", err=True)
    click.echo(
        f"mrm-gate: ledger {book.path} does not verify with {trust.source}; record {index} "
        "is not used (not replayed, not attested): it may not be the one that was recorded",
        err=True,
    )
    return False


@click.command("record")
@click.option("--bundle", "bundle_path", required=True, type=click.Path(path_type=Path))
@stage_option(
    required=False,
    default=None,
    help="Evaluate the bundle at this stage and record the decision (like `check`).",
)
@click.option(
    "--decision",
    "decision_path",
    type=click.Path(path_type=Path),
    default=None,
    help="Record a decision written earlier by `check --format json`; it is evaluated "
    "again and must come out the same.",
)
@_ledger_option
@github_options
@now_option("Evaluation time, RFC 3339 (default: now).")
@opa_url_option
@timeout_option
@click.option(
    "--output",
    type=click.Path(path_type=Path),
    default=None,
    help="Also write the decision record here (JSON).",
)
@format_option(None, "Also print the decision on standard output in this format (as `check`).")
@_signing_options
@click.option(
    "--attestation",
    "attestation_path",
    type=click.Path(path_type=Path),
    default=None,
    help="Also write the signed decision attestation (DSSE envelope of an in-toto "
    "Statement about the model artefact and the evidence) here; needs a signer.",
)
@policy_options
def record_cmd(
    bundle_path: Path,
    stage: str | None,
    decision_path: Path | None,
    ledger_path: Path,
    use_github: bool,
    config_path: Path | None,
    now: str | None,
    opa_url: str | None,
    timeout: float,
    output: Path | None,
    fmt: str | None,
    sign_key: Path | None,
    keyless: bool,
    attestation_path: Path | None,
    policy: Path | None,
    data_files: tuple[Path, ...],
    opa_bin: str | None,
) -> int:
    """Evaluate a bundle and append the decision record to the ledger.

    Exits like `check` (0 allowed, 1 denied), after the record is safely appended.
    """
    from gate.audit.ledger import Ledger
    from gate.audit.record import standalone
    from gate.cli.root import _engine, _policy_source
    from gate.report.text import verdict

    evaluated_at = resolve_now(now)
    if (stage is None) == (decision_path is None):
        raise UsageError(
            "pass exactly one of --stage (evaluate and record) or --decision FILE",
            hint="e.g. mrm-gate record --bundle evidence/bundle.json --stage production",
        )
    signer = _signer(sign_key, keyless, attesting=attestation_path is not None)
    checked = _policy_source(policy, data_files)
    engine = _engine(opa_url, opa_bin, checked, timeout)
    decision, policy_input = (
        _evaluated(bundle_path, str(stage), engine, evaluated_at, use_github, config_path)
        if decision_path is None
        else _evaluated_again(bundle_path, decision_path, engine, use_github)
    )
    rec = _sound_record(decision, policy_input, None if opa_url else checked, evaluated_at)
    if attestation_path is not None:
        _attestable(rec, policy_input)
    entry = Ledger(ledger_path, signer).append(rec, policy_input)
    if output is not None:
        write_atomic(
            output, json.dumps(standalone(rec, policy_input), indent=2, sort_keys=True) + "\n"
        )
    if attestation_path is not None:
        _write_attestation(attestation_path, rec, policy_input, entry, signer)
    if fmt is not None:
        from gate.cli.root import emit_report

        emit_report(decision, bundle_path, fmt, None, False, github_collected=use_github)
    click.echo(f"mrm-gate: {verdict(decision.allow)} at {decision.stage}; recorded as "
               f"{ledger_path} record {entry.index} ({entry.hash})", err=True)  # fmt: skip
    return decision.exit_code


def _evaluated(
    bundle_path: Path,
    stage: str,
    engine: Any,
    now: str,
    use_github: bool,
    config_path: Path | None,
) -> tuple[Decision, Any]:
    """The bundle evaluated at ``stage``, with the pull request and approvals from GitHub
    when ``use_github`` (roles from ``config_path``, else the base branch's)."""
    from gate.audit.record import evaluate_with_input
    from gate.cli.root import Collector

    collector: Collector | None = None
    if use_github:
        from gate.github.collect import collector_from_env

        collector = collector_from_env(config_path)
    return evaluate_with_input(
        bundle_path,
        stage,
        engine,
        now=now,
        repository=os.environ.get("GITHUB_REPOSITORY", ""),
        collector=collector,
    )


def _evaluated_again(
    bundle_path: Path, decision_path: Path, engine: Any, use_github: bool
) -> tuple[Decision, Any]:
    """The bundle evaluated at the given decision's stage and time; it must come out the same."""
    from gate.audit.record import differences, evaluate_with_input

    if use_github:
        raise UsageError("--github evaluates anew: use it with --stage, not --decision")
    given, _ = _decision_doc(decision_path)
    stage = given.stage
    decision, policy_input = evaluate_with_input(
        bundle_path,
        stage,
        engine,
        now=given.decided_at,
        repository=os.environ.get("GITHUB_REPOSITORY", ""),
    )
    changed = differences(given.to_dict(), decision.to_dict())
    if changed:
        raise UsageError(
            f"{decision_path} cannot be reproduced from {bundle_path} with the policies "
            f"at hand (differs in: {', '.join(changed)})",
            hint="it was made with other policies or another bundle, or with approvals "
            "from GitHub; evaluate and record in one step instead: "
            f"mrm-gate record --bundle {bundle_path} --stage {stage} [--github]",
        )
    return decision, policy_input


def _sound_record(decision: Decision, policy_input: Any, source: Any, at: str) -> dict[str, Any]:
    """The decision record, or exit 3 when decision and input disagree; ``source``: the local
    policies, None when a server decided."""
    from gate.audit.record import build_record, policy_info
    from gate.errors import EngineError

    info = policy_info(source, decision.policy_revision)
    try:
        return build_record(decision, policy_input, info, recorded_at=at, env=os.environ)
    except ValueError as exc:
        raise EngineError(f"cannot build a sound decision record: {exc}") from exc


@click.group("ledger")
def ledger_group() -> None:
    """Inspect the decision ledger."""


@ledger_group.command("verify")
@_ledger_option
@click.option(
    "--anchor",
    "anchors",
    multiple=True,
    help="A head published earlier, INDEX:HASH; that record must still be there, unchanged.",
)
@_trust_option
def ledger_verify(ledger_path: Path, anchors: tuple[str, ...], trust_path: Path | None) -> int:
    """Check the hash chain (and, with --key, the signatures). Exit 0 intact,
    1 tampered, 2 unreadable."""
    from gate.audit.ledger import Anchor, Ledger

    parsed = tuple(Anchor.parse(a) for a in anchors)
    result = Ledger(ledger_path).verify(parsed, _trust(trust_path))
    if result.ok:
        last = result.count - 1
        click.echo(
            f"ledger {ledger_path}: intact, {result.count} record(s), "
            f"{result.inputs} stored input(s); head {last}:{result.head_hash}"
        )
        if trust_path is not None:
            click.echo(f"every record and the head are signed by keys of {trust_path}")
        click.echo("publish the head where the ledger's writers cannot change it, and pass it")
        click.echo("back later with --anchor to prove nothing before it was rewritten.")
        return 0
    click.echo(
        f"mrm-gate: ledger {ledger_path} has been TAMPERED WITH: first bad record "
        f"{result.first_bad_index}",
        err=True,
    )
    for index, problem in result.problems:
        click.echo(f"  record {index}: {problem}", err=True)
    click.echo(
        "  what to do: restore the ledger from a trusted copy; do not rely on records "
        "from the first bad one on",
        err=True,
    )
    return EXIT_DENIED


@ledger_group.command("show")
@_ledger_option
@click.option("--model", "model_id", required=True, help="model.id to trace.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
def ledger_show(ledger_path: Path, model_id: str, fmt: str) -> None:
    """A model's history: versions, stages, verdicts, when, on whose approval."""
    from gate.audit.ledger import Ledger
    from gate.audit.record import CanonicalInput

    rows = []
    book = Ledger(ledger_path)
    inputs: dict[str, CanonicalInput] = {}
    for entry in book.entries():
        if entry.record.get("model", {}).get("id") != model_id:
            continue
        digest = str(entry.record.get("input_digest"))
        if digest not in inputs:
            inputs[digest] = book.input_of(entry)
        rows.append(_history_row(entry.index, entry.record, digest, inputs[digest].value))
    if not rows:
        raise UsageError(
            f"ledger {ledger_path} has no record of model {model_id!r}",
            hint="check the model id (model.id in the bundle)",
        )
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2))
        return
    from gate.report.ledger import history_table

    click.echo(history_table(model_id, str(ledger_path), rows), nl=False)


def _history_row(
    index: int, rec: dict[str, Any], input_digest: str, policy_input: dict[str, Any]
) -> dict[str, Any]:
    """One line of `ledger show`: the record, and where its decision came from."""
    context = policy_input.get("context") or {}
    pull = context.get("pull_request") or {}
    approvals = [
        f"{a['role']}: {', '.join(a['satisfied_by']) or 'MISSING'}"
        for a in rec.get("approvals", [])
    ]
    return {
        "index": index,
        "version": rec["model"]["version"],
        "stage": rec["stage"],
        "allowed": rec["allow"],
        "decided_at": rec["decision"]["decided_at"],
        "bundle_digest": rec["bundle_digest"],
        "input_digest": input_digest,
        "repository": context.get("repository") or None,
        "pull_request": pull.get("number"),
        "head_sha": pull.get("head_sha"),
        "approvals": approvals,
        "ci_run": rec["ci"]["run_url"],
    }


@click.command("replay")
@click.option(
    "--record",
    "record_path",
    type=click.Path(path_type=Path),
    default=None,
    help="A decision record file (record --output), or a ledger entry (its input is then "
    "read from the input store of --ledger).",
)
@click.option("--index", type=int, default=None, help="Replay this record of the ledger.")
@_ledger_option
@_trust_option
@timeout_option
@policy_options
def replay_cmd(
    record_path: Path | None,
    index: int | None,
    ledger_path: Path,
    trust_path: Path | None,
    timeout: float,
    policy: Path | None,
    data_files: tuple[Path, ...],
    opa_bin: str | None,
) -> int:
    """Evaluate a recorded input again with the real OPA and compare the decisions.

    Exit 0 only when the policies at hand have the recorded revision and the decision
    is the same; 1 when the revision or the decision differs; 2 for an unreadable
    record; 3 for an engine failure.
    """
    from gate.audit.ledger import Ledger
    from gate.audit.replay import replay
    from gate.cli.root import _engine, _policy_source

    if (record_path is None) == (index is None):
        raise UsageError("pass exactly one of --record FILE or --index N")
    if trust_path is not None and record_path is not None:
        raise UsageError(
            "--key checks the signatures of a ledger record: use it with --index",
            hint="for a record file, verify its attestation with `mrm-gate verify`",
        )
    book = Ledger(ledger_path)
    if record_path is not None:
        rec, policy_input = _record_file(record_path, book)
        where = str(record_path)
    else:
        assert index is not None
        if trust_path is not None and not _signed(book, index, _trust(trust_path)):
            return EXIT_DENIED
        found = book.get(index)
        rec, policy_input = found.record, book.input_of(found)
        where = f"{ledger_path} record {index}"
    source = _policy_source(policy, data_files)
    engine = _engine(None, opa_bin, source, timeout)
    result = replay(rec, policy_input, engine, source.revision())
    _print_replay(where, rec, result)
    return 0 if result.reproduced else EXIT_DENIED


def _record_file(path: Path, book: Any) -> tuple[dict[str, Any], Any]:
    """A record file's record and its input (a bare ledger entry's from the ledger's store)."""
    from gate.audit.record import split_standalone

    doc = _load_json(path)
    if set(doc) == {"index", "prev_hash", "record", "hash"} and isinstance(doc["record"], dict):
        doc = doc["record"]
    try:
        rec, policy_input = split_standalone(doc)
    except ValueError as exc:
        raise UsageError(
            f"{path}: not a decision record: {exc}",
            hint="pass a file written by `mrm-gate record --output`",
        ) from None
    if policy_input is None:
        # A bare ledger record: its input is in the ledger's input store.
        policy_input = book.inputs.load(rec.get("input_digest", ""))
    return rec, policy_input


def _print_replay(where: str, rec: dict[str, Any], result: Any) -> None:
    from gate.report.text import verdict

    click.echo(f"replaying {where}: {rec['model']['id']} {rec['model']['version']}")
    click.echo(f"  stage {rec['stage']}, recorded as {verdict(rec['allow'])}")
    click.echo(f"  recorded policy revision {result.recorded_revision}")
    click.echo(f"  policy revision at hand  {result.current_revision}")
    if result.recorded_opa != result.current_opa:
        click.echo(
            f"  note: recorded with OPA {result.recorded_opa}, replayed with {result.current_opa}"
        )
    if not result.same_revision:
        _warn_other_revision(result)
    if result.same_decision:
        click.echo(
            "  replayed decision: SAME ("
            + verdict(result.replayed["allow"])
            + ", compared without decided_at, engine and opa_version)"
        )
    else:
        click.echo(
            "mrm-gate: replayed decision DIFFERS from the recorded one in: "
            + ", ".join(result.differing_fields),
            err=True,
        )
        for name in result.differing_fields:
            click.echo(
                f"  {name}: recorded {json.dumps(result.recorded.get(name))[:300]}", err=True
            )
            click.echo(
                f"  {name}: replayed {json.dumps(result.replayed.get(name))[:300]}", err=True
            )
    if result.reproduced:
        click.echo("replay: reproduced")


def _warn_other_revision(result: Any) -> None:
    banner = "!" * 72
    click.echo(banner, err=True)
    click.echo(
        "!! POLICY REVISION DIFFERS: this is NOT a replay of the recorded policies", err=True
    )
    click.echo(f"!!   recorded: {result.recorded_revision}", err=True)
    click.echo(f"!!   at hand:  {result.current_revision}", err=True)
    click.echo(
        "!! pass --policy with the recorded revision (a directory or a bundle "
        "from `mrm-gate bundle`)",
        err=True,
    )
    click.echo(banner, err=True)


@click.command("attest")
@_ledger_option
@click.option("--index", required=True, type=int, help="The ledger record to attest.")
@click.option(
    "--key",
    "trust_path",
    required=True,
    type=click.Path(path_type=Path),
    help="Trust file (or PEM public key) the ledger must verify with first.",
)
@_signing_options
@click.option("--output", required=True, type=click.Path(path_type=Path))
def attest_cmd(
    ledger_path: Path,
    index: int,
    trust_path: Path,
    sign_key: Path | None,
    keyless: bool,
    output: Path,
) -> int:
    """Write the signed decision attestation of a record of a signed ledger.

    The ledger is verified with --key first (as `ledger verify --key`): only a record
    signed when it was appended is attested. Exit 1 when the ledger does not verify.
    """
    from gate.audit.ledger import Ledger

    signer = _signer(sign_key, keyless)
    if signer is None:
        raise UsageError("attest needs a signer: pass --sign-key KEY (or --keyless in CI)")
    book = Ledger(ledger_path)
    if not _signed(book, index, _trust(trust_path)):
        return EXIT_DENIED
    found = book.get(index)
    policy_input = book.input_of(found)
    _attestable(found.record, policy_input)
    _write_attestation(output, found.record, policy_input, found, signer)
    return 0


@click.command("docs")
@click.option("--bundle", "bundle_path", required=True, type=click.Path(path_type=Path))
@click.option(
    "--decision",
    "decision_path",
    required=True,
    type=click.Path(path_type=Path),
    help="The decision (`check --format json`) or decision record for this bundle.",
)
@click.option(
    "--output",
    required=True,
    type=click.Path(path_type=Path),
    help="Directory for model-documentation.md and model-documentation.html.",
)
@click.option(
    "--ledger",
    "ledger_path",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    default=None,
    help="Decision ledger: its earlier decisions about the model give the document's "
    "version and change history.",
)
@click.option("--pdf", is_flag=True, help="Also print model-documentation.pdf (Chromium).")
@click.option(
    "--monitoring-history",
    "history_path",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    default=None,
    help="Monitoring history (monitor --history) for monitoring-report.html; without it "
    "the report shows the bundle's latest period.",
)
def docs_cmd(
    bundle_path: Path,
    decision_path: Path,
    output: Path,
    ledger_path: Path | None,
    pdf: bool,
    history_path: Path | None,
) -> None:
    """Render the documentation pack (Markdown, one self-contained HTML file, PDF)."""
    from gate.audit import docs_pack  # matplotlib and Jinja2: only when rendering
    from gate.audit.docs_pack import monitoring_report
    from gate.evidence import bundle_digest, load_bundle

    bundle = load_bundle(bundle_path)
    decision, evidence = _decision_doc(decision_path)
    # The digest binds the commit the decision judged: for a deploy of a merge commit, the
    # merged pull request's head, not the merge commit the bundle was collected at.
    digest = bundle_digest(bundle, decision.head_commit)
    history = docs_pack.ledger_history(ledger_path) if ledger_path else None
    pack = docs_pack.build_pack(bundle, decision, digest, approval_evidence=evidence,
                                history=history, source=str(bundle_path))  # fmt: skip
    periods = (monitoring_report.read_history(history_path) if history_path
               else monitoring_report.from_bundle(bundle, decision))  # fmt: skip
    files = {
        "model-documentation.md": docs_pack.to_markdown(pack),
        "model-documentation.html": docs_pack.to_html(pack),
    }
    if periods:
        report = monitoring_report.build_report(bundle, periods)
        files["monitoring-report.html"] = docs_pack.to_html(report)
    if output.exists() and not output.is_dir():
        raise UsageError(f"--output {output} exists and is not a directory")
    written = [output / name for name in files]
    for path, body in zip(written, files.values(), strict=True):
        write_atomic(path, body)
    if pdf:
        written.append(output / "model-documentation.pdf")
        docs_pack.to_pdf(output / "model-documentation.html", written[-1])
    click.echo(f"wrote {', '.join(map(str, written))} (bundle {digest})")


COMMANDS: tuple[click.Command, ...] = (record_cmd, ledger_group, replay_cmd, attest_cmd, docs_cmd)


def register(cli: click.Group) -> None:
    """Attach the commands of this module to the main group."""
    for command in COMMANDS:
        cli.add_command(command)
