"""The document control page: version, authors, reviewers and approvers with their roles,
dates and the digest each approved, dates out of order, and the change history against the
earlier decisions about this model recorded in the ledger."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import Any

from gate.audit.docs_pack.model import (
    MISSING,
    Block,
    KeyValues,
    Paragraph,
    Section,
    Table,
    get,
    objects,
    text,
)
from gate.clock import parse_instant
from gate.decision import Decision


@dataclass(frozen=True)
class Recorded:
    """A decision with the model version and artefact it was about (a ledger record's, or
    the pack's own with ``index`` None)."""

    index: int | None
    decision: Decision
    model_id: str
    model_version: str
    artifact_digest: str | None


def _when(value: Any) -> _dt.datetime | None:
    try:
        return parse_instant(str(value)) if value else None
    except ValueError:
        return None


def signatories(
    bundle: dict[str, Any], decision: Decision, evidence: list[dict[str, Any]]
) -> list[dict[str, str]]:
    """Everyone who reviewed or approved, with role, date, how and what they approved."""
    people = [
        {
            "login": text(login),
            "role": "independent validator",
            "at": text(get(bundle, "validation.completed_at")),
            "how": f"validation record {text(get(bundle, 'validation.record_id'))}",
            "approved": f"artefact {text(get(bundle, 'validation.artifact_digest'))}",
        }
        for login in get(bundle, "validation.validator_ids") or []
    ]
    for req in evidence:
        for given in objects(req.get("evidence")):
            commit = given.get("commit_sha")
            people.append(
                {
                    "login": text(given.get("login")),
                    "role": text(req.get("role")),
                    "at": text(given.get("at")),
                    "how": text(given.get("via")),
                    "approved": f"bundle {text(decision.bundle_digest)}"
                    + (f" at commit {commit}" if commit else ""),
                }
            )
    return people


def out_of_order(
    bundle: dict[str, Any], decision: Decision, people: list[dict[str, str]]
) -> list[str]:
    """Sign-offs dated before the work they sign off, or after the decision that used them."""
    first = _when(get(bundle, "change.first_commit_at"))
    decided = _when(decision.decided_at)
    found = []
    for p in people:
        at = _when(p["at"])
        if at is None:
            found.append(f"{p['login']} ({p['role']}): date {p['at']} is not an RFC 3339 time")
            continue
        if first is not None and at < first:
            found.append(
                f"{p['login']} ({p['role']}) signed at {p['at']}, before the first "
                f"commit of the change ({text(get(bundle, 'change.first_commit_at'))})"
            )
        if decided is not None and at > decided:
            found.append(
                f"{p['login']} ({p['role']}) signed at {p['at']}, after the decision "
                f"({text(decision.decided_at)})"
            )
    return found


def _statuses(decision: Decision) -> dict[str, str]:
    return {str(c.get("id")): str(c.get("status")) for c in decision.controls}


def _changes(before: Recorded, after: Recorded) -> str:
    """What differs between two decisions about the same model, in words."""
    a, b = before.decision, after.decision
    said = [
        f"{label} {text(old)} -> {text(new)}"
        for label, old, new in (
            ("model version", before.model_version, after.model_version),
            ("evidence", a.bundle_digest, b.bundle_digest),
            ("artefact", before.artifact_digest, after.artifact_digest),
            ("stage", a.stage, b.stage),
            ("policy revision", a.policy_revision, b.policy_revision),
        )
        if old != new
    ]
    old, new = _statuses(a), _statuses(b)
    moved = [
        f"{c} {old.get(c, 'absent')} -> {new.get(c, 'absent')}"
        for c in sorted(set(old) | set(new))
        if old.get(c) != new.get(c)
    ]
    if moved:
        said.append("controls: " + ", ".join(moved))
    return "; ".join(said) or "no change"


def _history(this: Recorded, history: list[Recorded]) -> Table:
    rows = []
    previous: Recorded | None = None
    for earlier in [*history, this]:
        first = "first recorded decision" if earlier.index is not None else "first version"
        rows.append(
            [
                "this document" if earlier.index is None else str(earlier.index),
                text(earlier.decision.decided_at),
                text(earlier.decision.stage),
                "allowed" if earlier.decision.allow else "denied",
                first if previous is None else _changes(previous, earlier),
            ]
        )
        previous = earlier
    return Table(
        "Change history (decisions about this model in the ledger)",
        ["ledger record", "decided at", "stage", "decision", "changes from the version before"],
        rows,
    )


def _same(a: Decision, b: Decision) -> bool:
    """The ledger's record of this very decision (the pack's own decision is not history)."""
    return (a.bundle_digest, a.decided_at, a.stage, a.allow) == (
        b.bundle_digest,
        b.decided_at,
        b.stage,
        b.allow,
    )


def _identity(bundle: dict[str, Any], decision: Decision, version: str, earlier: str) -> KeyValues:
    model = f"{text(get(bundle, 'model.id'))} {text(get(bundle, 'model.version'))}"
    return KeyValues(
        [
            (
                "Document",
                "Model documentation (generated by mrm-gate from the evidence bundle "
                "and the gate's decision; never edited by hand)",
            ),
            ("Document version", version),
            ("Model", model),
            ("Evidence bundle", text(decision.bundle_digest)),
            ("Decision", f"{text(decision.stage)} at {text(decision.decided_at)}"),
            ("Authors (commits of the change)", text(get(bundle, "change.author_ids"))),
            ("Developers", text(get(bundle, "inventory.developer_ids"))),
            ("Model owner", text(get(bundle, "inventory.owner_id"))),
            ("Earlier versions", earlier),
        ]
    )


def document_control(
    bundle: dict[str, Any],
    decision: Decision,
    evidence: list[dict[str, Any]],
    history: list[Recorded] | None,
) -> tuple[Section, str]:
    """The section, and the document version it gives the pack."""
    this = Recorded(
        None,
        decision,
        str(get(bundle, "model.id") or ""),
        str(get(bundle, "model.version") or ""),
        get(bundle, "artifact.digest"),
    )
    earlier = [
        r for r in history or [] if r.model_id == this.model_id and not _same(r.decision, decision)
    ]
    version = f"{text(get(bundle, 'model.version'))}-{len(earlier) + 1}"
    people = signatories(bundle, decision, evidence)
    note = (
        "no ledger given: unknown"
        if history is None
        else f"{len(earlier)} earlier decision(s) about this model in the ledger"
    )
    blocks: list[Block] = [
        _identity(bundle, decision, version, note),
        Table(
            "Reviewers and approvers",
            ["login", "role", "date", "how", "digest approved"],
            [[p["login"], p["role"], p["at"], p["how"], p["approved"]] for p in people]
            or [["nobody", "-", "-", "-", "-"]],
        ),
    ]
    flags = out_of_order(bundle, decision, people)
    blocks.append(
        Paragraph("Dates out of order: " + "; ".join(flags), warning=True)
        if flags
        else Paragraph(
            "Every sign-off is dated after the first commit of the change "
            "and no later than the decision."
        )
    )
    if history is not None:
        blocks.append(_history(this, earlier))
    else:
        blocks.append(Paragraph(f"Change history: {MISSING} (pass --ledger)."))
    return Section("control", "Document control", blocks), version
