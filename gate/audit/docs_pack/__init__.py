"""The documentation pack: model documentation generated from a bundle and its decision.

model.py is the document model (sections of key/value lists, tables, paragraphs, charts,
each section with the evidence and controls it rests on); content.py, validation.py and
control.py select what the sections say (the regulatory tables are data, regulation.yml);
stats.py computes the intervals, charts.py draws with matplotlib; render.py renders through
the Jinja2 templates in templates/ (HTML, Markdown) and prints the PDF with Chromium. A value
that is absent is printed as ``missing``, never left blank. Decisions reach the pack only as
:class:`gate.decision.Decision`, read by its one strict reader.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gate.audit.docs_pack import content
from gate.audit.docs_pack.control import Recorded, document_control
from gate.audit.docs_pack.model import MISSING, Pack, Section, get, text
from gate.audit.docs_pack.render import to_html, to_markdown, to_pdf
from gate.audit.docs_pack.validation import monitoring, validation
from gate.decision import Decision
from gate.errors import UsageError

__all__ = [
    "MISSING",
    "Pack",
    "Recorded",
    "build_pack",
    "ledger_history",
    "to_html",
    "to_markdown",
    "to_pdf",
]


def ledger_history(ledger: Path) -> list[Recorded]:
    """Every decision recorded in a ledger, with its index and the model version and
    artefact its record names (the ledger's hashes checked, each decision read as strictly
    as a decision file)."""
    from gate.audit.ledger import Ledger

    history = []
    for entry in Ledger(ledger).entries():
        record = entry.record
        model = record.get("model")
        if not isinstance(model, dict):
            model = {}
        decision = Decision.from_json(record.get("decision"), f"{ledger} record {entry.index}")
        history.append(
            Recorded(
                entry.index,
                decision,
                str(model.get("id", "")),
                str(model.get("version", "")),
                record.get("artifact_digest"),
            )
        )
    return history


def build_pack(
    bundle: dict[str, Any],
    decision: Decision,
    digest: str,
    *,
    approval_evidence: list[dict[str, Any]] | None = None,
    history: list[Recorded] | None = None,
    source: str = "bundle",
) -> Pack:
    """The document model; ``digest`` must be the bundle's and the decision's digest.

    ``history`` is the ledger's decisions when a ledger is given; those about this model
    (model.id) are the document's earlier versions.
    """
    if decision.bundle_digest != digest:
        raise UsageError(
            f"the decision is about bundle {decision.bundle_digest!r}, not this bundle ({digest})",
            hint="pass the decision made for this bundle (mrm-gate check --format json)",
        )
    evidence = approval_evidence or []
    control, version = document_control(bundle, decision, evidence, history)
    sections: list[Section] = [
        control,
        content.overview(bundle, decision, digest),
        content.development(bundle),
        content.data(bundle),
        validation(bundle, source),
        content.compliance(decision),
        content.annex_iv(bundle),
    ]
    if get(bundle, "fda.device_function") is True:
        sections.append(content.fda(bundle))
    sections += [
        content.approvals(decision, evidence),
        content.reproducibility(bundle, decision, digest),
    ]
    if isinstance(get(bundle, "monitoring.latest"), dict):
        sections.append(monitoring(bundle))
    for section in sections:
        content.attach_basis(section, bundle, decision)
    ident = f"{text(get(bundle, 'model.id'))} {text(get(bundle, 'model.version'))}"
    title = f"{text(get(bundle, 'model.name'))} ({ident})"
    return Pack(title, digest, sections, version)
