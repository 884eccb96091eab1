"""The documentation pack: model documentation rendered from a bundle and its decision.

One document model (sections of key/value lists, tables, paragraphs and charts) rendered
twice: Markdown, and one self-contained HTML file (inline CSS and SVG, no scripts, no
external fonts or images). Every figure is read from the bundle or the decision; a value
that is absent is printed as ``missing``, never left blank.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from typing import Any

from gate.audit import svg
from gate.errors import UsageError

MISSING = "missing"
STATUS_ORDER = ("fail", "waived", "pass", "not_applicable")
STATUS_LABEL = {
    "pass": "pass",
    "fail": "fail",
    "waived": "waived",
    "not_applicable": "not applicable",
}


# --------------------------------------------------------------------------- the model


@dataclass
class KeyValues:
    rows: list[tuple[str, str]]


@dataclass
class Table:
    caption: str
    headers: list[str]
    rows: list[list[str]]


@dataclass
class Paragraph:
    text: str


@dataclass
class Chart:
    caption: str
    svg: str
    bars: list[tuple[str, float]]


Block = KeyValues | Table | Paragraph | Chart


@dataclass
class Section:
    id: str
    title: str
    blocks: list[Block] = field(default_factory=list)


@dataclass
class Pack:
    title: str
    bundle_digest: str
    sections: list[Section]


# --------------------------------------------------------------------------- values


def get(doc: Any, path: str) -> Any:
    """The value at a dotted path, or None."""
    node = doc
    for key in path.split("."):
        if isinstance(node, dict):
            node = node.get(key)
        elif isinstance(node, list) and key.isdigit() and int(key) < len(node):
            node = node[int(key)]
        else:
            return None
    return node


def present(value: Any) -> bool:
    return value is not None and value != "" and value != [] and value != {}


def text(value: Any) -> str:
    """A value as text; absent or empty values are ``missing``."""
    if value is None or value == "":
        return MISSING
    if value == [] or value == {}:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list):
        return "\n".join(text(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {text(v)}" for k, v in value.items())
    return str(value)


def kv(doc: Any, pairs: list[tuple[str, str]]) -> KeyValues:
    return KeyValues([(label, text(get(doc, path))) for label, path in pairs])


def _objects(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _numbers(value: Any) -> dict[str, float]:
    if not isinstance(value, dict):
        return {}
    return {
        k: float(v)
        for k, v in value.items()
        if isinstance(v, int | float) and not isinstance(v, bool)
    }


# --------------------------------------------------------------------------- sections


def _overview(bundle: dict[str, Any], decision: dict[str, Any], digest: str) -> Section:
    counts = dict.fromkeys(STATUS_ORDER, 0)
    for ctl in _objects(decision.get("controls")):
        counts[str(ctl.get("status"))] = counts.get(str(ctl.get("status")), 0) + 1
    rows = kv(
        bundle,
        [
            ("Model id", "model.id"),
            ("Name", "model.name"),
            ("Version", "model.version"),
            ("Use case", "model.use_case"),
            ("Risk tier", "model.risk_tier"),
            ("Jurisdictions", "model.jurisdictions"),
            ("Inventory record", "inventory.record_id"),
            ("Owner", "inventory.owner_id"),
            ("Artefact", "artifact.path"),
            ("Artefact digest", "artifact.digest"),
        ],
    ).rows
    rows.insert(0, ("Bundle digest", digest))
    rows += [
        ("Stage", text(decision.get("stage"))),
        ("Decision", "ALLOWED" if decision.get("allow") is True else "DENIED"),
        ("Decided at", text(decision.get("decided_at"))),
        ("Policy revision", text(decision.get("policy_revision"))),
        ("OPA version", text(decision.get("opa_version"))),
        (
            "Controls",
            ", ".join(f"{counts[s]} {STATUS_LABEL[s]}" for s in STATUS_ORDER),
        ),
    ]
    return Section("overview", "Identification and decision", [KeyValues(rows)])


def _development(bundle: dict[str, Any]) -> Section:
    features = _objects(get(bundle, "model.features"))
    sections = get(bundle, "docs.development.sections")
    blocks: list[Block] = [
        kv(
            bundle,
            [
                ("Intended purpose", "model.intended_purpose"),
                ("Limitations", "model.limitations"),
                ("Permitted uses", "inventory.permitted_uses"),
                ("Restricted uses", "inventory.restricted_uses"),
                ("Inputs", "inventory.inputs"),
                ("Outputs", "inventory.outputs"),
                ("Developers", "inventory.developer_ids"),
                ("Algorithm", "model_design.algorithm"),
                ("Hyperparameters", "model_design.hyperparameters"),
                ("Selection method", "model_design.selection_method"),
                ("Regularisation", "model_design.regularisation"),
                ("Constraints", "model_design.constraints"),
                ("Development document", "docs.development.uri"),
                ("Document digest", "docs.development.digest"),
                ("Change", "change.id"),
                ("Change type", "change.type"),
                ("Change description", "change.description"),
                ("Change ticket", "change.ticket_id"),
            ],
        ),
        Table(
            "Features",
            ["name", "type", "protected", "description"],
            [
                [
                    text(f.get("name")),
                    text(f.get("type")),
                    text(f.get("protected")),
                    text(f.get("description")),
                ]
                for f in features
            ]
            or [[MISSING] * 4],
        ),
        Table(
            "Development document sections",
            ["topic", "anchor"],
            [[k, text(v)] for k, v in sections.items()]
            if isinstance(sections, dict) and sections
            else [[MISSING, MISSING]],
        ),
    ]
    return Section("development", "Development documentation", blocks)


def _data(bundle: dict[str, Any]) -> Section:
    datasets = _objects(get(bundle, "data.datasets"))
    blocks: list[Block] = [
        Table(
            "Datasets",
            ["name", "role", "version", "rows", "time window", "digest", "source", "missing rate"],
            [
                [
                    text(d.get("name")),
                    text(d.get("role")),
                    text(d.get("version")),
                    text(d.get("rows")),
                    f"{text(get(d, 'time_window.start'))} to {text(get(d, 'time_window.end'))}",
                    text(d.get("digest")),
                    text(d.get("source_system") or d.get("uri")),
                    text(get(d, "quality.missing_rate")),
                ]
                for d in datasets
            ]
            or [[MISSING] * 8],
        )
    ]
    rows = {
        text(d.get("name")): float(d["rows"]) for d in datasets if isinstance(d.get("rows"), int)
    }
    if rows:
        bars = list(rows.items())
        blocks.append(Chart("Rows per dataset", svg.bar_chart("Rows per dataset", bars), bars))
    for d in datasets:
        counts = _numbers(get(d, "representativeness.n_per_segment"))
        if counts:
            bars = list(counts.items())
            floor = get(d, "representativeness.min_n")
            ref = ("min n", float(floor)) if isinstance(floor, int | float) else None
            title = f"Rows per segment in {text(d.get('name'))}"
            blocks.append(Chart(title, svg.bar_chart(title, bars, reference=ref), bars))
    blocks.append(
        kv(
            bundle,
            [
                ("Design choices", "data.governance.design_choices"),
                ("Collection origin", "data.governance.collection_origin"),
                ("Preparation", "data.governance.preparation_ops"),
                ("Assumptions", "data.governance.assumptions"),
                ("Availability", "data.governance.availability_assessment"),
                ("Bias examination", "data.governance.bias_examination.method"),
                ("Bias findings", "data.governance.bias_examination.findings"),
                ("Bias mitigations", "data.governance.bias_mitigations"),
                ("Data gaps", "data.governance.data_gaps"),
                ("Split method", "data.split.method"),
                ("Out-of-time window", "data.split.oot_window"),
                ("Leakage checks", "data.split.leakage_checks"),
            ],
        )
    )
    return Section("data", "Data documentation", blocks)


def _validation(bundle: dict[str, Any]) -> Section:
    overall = _numbers(get(bundle, "validation.metrics.overall"))
    segments = _objects(get(bundle, "validation.metrics.segments"))
    seg_metrics = sorted({m for s in segments for m in _numbers(s.get("metrics"))})
    validated = get(bundle, "validation.artifact_digest")
    artefact = get(bundle, "artifact.digest")
    blocks: list[Block] = [
        kv(
            bundle,
            [
                ("Validation record", "validation.record_id"),
                ("Validators", "validation.validator_ids"),
                ("Outcome", "validation.outcome"),
                ("Scope", "validation.scope"),
                ("Completed", "validation.completed_at"),
                ("Report", "validation.report_uri"),
                ("Artefact validated", "validation.artifact_digest"),
                ("Conclusion", "validation.conclusion"),
                ("Conceptual soundness", "validation.conceptual_soundness.conclusion"),
                ("Back-testing", "validation.backtest.conclusion"),
                ("Sensitivity", "validation.sensitivity.conclusion"),
                ("Benchmarking", "validation.benchmark.conclusion"),
                ("Conditions", "validation.conditions"),
            ],
        ),
        Paragraph(
            "The validated artefact is the gated artefact."
            if present(validated) and validated == artefact
            else f"The validated artefact ({text(validated)}) is not the gated artefact "
            f"({text(artefact)})."
        ),
        Table(
            "Overall metrics",
            ["metric", "value"],
            [[k, text(v)] for k, v in overall.items()] or [[MISSING, MISSING]],
        ),
        Table(
            "Segment metrics",
            ["attribute", "segment", "n", *seg_metrics],
            [
                [text(s.get("attribute")), text(s.get("segment")), text(s.get("n"))]
                + [text(get(s, f"metrics.{m}")) for m in seg_metrics]
                for s in segments
            ]
            or [[MISSING] * 3],
        ),
    ]
    for metric in seg_metrics:
        bars = [
            (f"{text(s.get('attribute'))}: {text(s.get('segment'))}", v)
            for s in segments
            if (v := _numbers(s.get("metrics")).get(metric)) is not None
        ]
        ref = (f"overall {metric}", overall[metric]) if metric in overall else None
        title = f"{metric} by segment"
        blocks.append(Chart(title, svg.bar_chart(title, bars, reference=ref), bars))
    thresholds = get(bundle, "testing.thresholds")
    results = _numbers(get(bundle, "testing.results"))
    if isinstance(thresholds, dict) and thresholds:
        rows = []
        for metric, rule in thresholds.items():
            bound = "missing"
            if isinstance(rule, dict):
                bound = ", ".join(f"{k} {rule[k]:g}" for k in ("min", "max") if k in rule)
            rows.append([metric, bound or MISSING, text(results.get(metric))])
        blocks.append(
            Table(
                "Test thresholds (set before testing) and results",
                ["metric", "threshold", "result"],
                rows,
            )
        )
    subgroups = _objects(get(bundle, "testing.subgroup_results"))
    if subgroups:
        sub_metrics = sorted({m for s in subgroups for m in _numbers(s.get("metrics"))})
        blocks.append(
            Table(
                "Subgroup test results",
                ["attribute", "segment", "n", *sub_metrics],
                [
                    [text(s.get("attribute")), text(s.get("segment")), text(s.get("n"))]
                    + [text(get(s, f"metrics.{m}")) for m in sub_metrics]
                    for s in subgroups
                ],
            )
        )
    air = _numbers(get(bundle, "fairness.air"))
    if air:
        bars = list(air.items())
        title = "Adverse impact ratio by group"
        blocks.append(
            Chart(title, svg.bar_chart(title, bars, reference=("four-fifths", 0.8)), bars)
        )
    else:
        blocks.append(Paragraph(f"Fairness (adverse impact ratios): {MISSING} in this bundle."))
    findings = _objects(get(bundle, "validation.findings"))
    blocks.append(
        Table(
            "Validation findings",
            ["id", "title", "severity", "status", "owner", "due", "closed"],
            [
                [
                    text(f.get(k))
                    for k in ("id", "title", "severity", "status", "owner", "due_date", "closed_at")
                ]
                for f in findings
            ]
            or [["none recorded"] + [MISSING] * 6],
        )
    )
    return Section("validation", "Validation summary", blocks)


def _compliance(decision: dict[str, Any]) -> Section:
    controls = sorted(
        _objects(decision.get("controls")),
        key=lambda c: (
            STATUS_ORDER.index(c["status"]) if c.get("status") in STATUS_ORDER else 9,
            str(c.get("id")),
        ),
    )
    blocks: list[Block] = [
        Table(
            "Compliance matrix",
            ["control", "framework", "source section", "title", "status", "severity", "note"],
            [
                [
                    text(c.get("id")),
                    text(c.get("framework")),
                    text(c.get("section")),
                    text(c.get("title")),
                    STATUS_LABEL.get(str(c.get("status")), text(c.get("status"))),
                    text(c.get("severity")),
                    text(c.get("reason")) if c.get("reason") else "-",
                ]
                for c in controls
            ]
            or [[MISSING] * 7],
        )
    ]
    for key, caption in (("violations", "Violations"), ("waived", "Waived violations")):
        items = _objects(decision.get(key))
        blocks.append(
            Table(
                caption,
                ["control", "message", "evidence", "remediation"],
                [
                    [
                        text(v.get("control_id")),
                        text(v.get("msg")),
                        text(v.get("evidence_path")),
                        text(v.get("remediation")),
                    ]
                    for v in items
                ]
                or [["none", "-", "-", "-"]],
            )
        )
    return Section("compliance", "Compliance matrix", blocks)


# The nine headings of Annex IV (technical documentation, Article 11(1)) and the bundle
# fields that answer each.
ANNEX_IV: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "1. General description of the AI system",
        (
            "model.intended_purpose",
            "model.name",
            "model.version",
            "inventory.inputs",
            "inventory.outputs",
            "eu_ai_act.ifu.uri",
        ),
    ),
    (
        "2. Elements of the AI system and the process of its development",
        (
            "model_design.algorithm",
            "model_design.hyperparameters",
            "model_design.selection_method",
            "data.datasets",
            "data.governance",
            "eu_ai_act.human_oversight",
            "eu_ai_act.predetermined_changes_uri",
            "validation.report_uri",
            "testing.results",
            "testing.security",
        ),
    ),
    (
        "3. Monitoring, functioning and control of the AI system",
        (
            "model.limitations",
            "validation.metrics.segments",
            "testing.subgroup_results",
            "eu_ai_act.human_oversight.interpretation_tools",
            "eu_ai_act.logging",
        ),
    ),
    (
        "4. Appropriateness of the performance metrics",
        ("testing.thresholds", "validation.metrics.overall", "eu_ai_act.ifu.declared_accuracy"),
    ),
    (
        "5. Risk management system (Article 9)",
        (
            "eu_ai_act.risk_management.file_uri",
            "eu_ai_act.risk_management.mitigations",
            "eu_ai_act.risk_management.residual_risk_acceptance",
        ),
    ),
    (
        "6. Relevant changes through the lifecycle",
        ("change.id", "change.type", "change.description", "eu_ai_act.substantial_modification"),
    ),
    (
        "7. Harmonised standards or other solutions applied",
        ("eu_ai_act.qms.ref", "eu_ai_act.qms.test_procedure_version"),
    ),
    (
        "8. EU declaration of conformity (Article 47)",
        (
            "eu_ai_act.conformity.doc_uri",
            "eu_ai_act.conformity.doc_signed_by",
            "eu_ai_act.conformity.doc_signed_at",
        ),
    ),
    (
        "9. Post-market performance evaluation and monitoring plan (Article 72)",
        (
            "eu_ai_act.pmm_plan_uri",
            "monitoring.plan.uri",
            "monitoring.plan.frequency",
            "monitoring.plan.metrics",
        ),
    ),
)


def _annex_iv(bundle: dict[str, Any]) -> Section:
    rows = []
    for n, (heading, paths) in enumerate(ANNEX_IV, start=1):
        have = [p for p in paths if present(get(bundle, p))]
        lacking = [p for p in paths if p not in have]
        doc = get(bundle, f"eu_ai_act.annex_iv.section_{n}")
        document = (
            f"{text(get(doc, 'uri'))} ({text(get(doc, 'digest'))})"
            if isinstance(doc, dict)
            else MISSING
        )
        rows.append(
            [
                heading,
                ", ".join(have) or "none",
                ", ".join(lacking) or "none",
                f"{len(have)} of {len(paths)}",
                document,
            ]
        )
    return Section(
        "annex-iv",
        "EU AI Act Annex IV cross-reference",
        [
            kv(
                bundle,
                [
                    ("EU AI Act applies", "eu_ai_act.applicable"),
                    ("High-risk", "eu_ai_act.classification.high_risk"),
                    ("Annex III point", "eu_ai_act.classification.annex_iii_point"),
                    ("Annex IV documentation updated", "eu_ai_act.annex_iv.updated_at"),
                ],
            ),
            Table(
                "Annex IV headings and the bundle fields that answer them",
                ["heading", "fields present", "fields missing", "coverage", "document"],
                rows,
            ),
        ],
    )


def _approvals(decision: dict[str, Any], evidence: list[dict[str, Any]]) -> Section:
    by_role = {str(a.get("role")): a for a in evidence}
    required = _objects(decision.get("required_approvals"))
    rows = []
    for req in required:
        given = by_role.get(str(req.get("role")), {}).get("evidence", [])
        links = "; ".join(
            f"{text(g.get('login'))} via {text(g.get('via'))} at {text(g.get('at'))}" for g in given
        )
        rows.append(
            [
                text(req.get("role")),
                text(req.get("count")),
                "yes" if req.get("satisfied") else "NO",
                text(req.get("satisfied_by")) if req.get("satisfied_by") else "nobody",
                links or "-",
                text(req.get("reason")),
            ]
        )
    stale = _objects(decision.get("stale_approvals"))
    blocks: list[Block] = [
        Paragraph(
            f"Stage {text(decision.get('stage'))}: "
            + (
                f"{len(required)} approval(s) required."
                if required
                else "no human approval is required at this stage."
            )
        ),
        Table(
            "Required approvals",
            ["role", "count", "satisfied", "approved by", "how", "why required"],
            rows or [["none required", "0", "-", "-", "-", "-"]],
        ),
        Table(
            "Approvals found that did not count",
            ["role", "login", "via", "reason"],
            [[text(s.get(k)) for k in ("role", "login", "via", "reason")] for s in stale]
            or [["none", "-", "-", "-"]],
        ),
    ]
    return Section("approvals", "Approvals", blocks)


def _reproducibility(bundle: dict[str, Any], decision: dict[str, Any], digest: str) -> Section:
    snapshots = _objects(get(bundle, "reproducibility.data_snapshots"))
    sources = _objects(get(bundle, "provenance.sources"))
    trained = get(bundle, "reproducibility.artifact_sha256")
    again = get(bundle, "reproducibility.reproduced_artifact_sha256")
    blocks: list[Block] = [
        kv(
            bundle,
            [
                ("Git commit", "reproducibility.git_commit"),
                ("Training command", "reproducibility.training_command"),
                ("Seed", "reproducibility.seed"),
                ("Environment", "reproducibility.environment"),
                ("Hyperparameters", "reproducibility.hyperparameters"),
                ("Artefact sha256", "reproducibility.artifact_sha256"),
                ("Reproduced sha256", "reproducibility.reproduced_artifact_sha256"),
                ("Reproduced at", "reproducibility.reproduced_at"),
                ("MLflow run", "reproducibility.mlflow_run_id"),
                ("Collected at commit", "collected.git.commit"),
                ("CI repository", "collected.ci.repository"),
                ("CI run", "collected.ci.run_id"),
            ],
        ),
        Paragraph(
            "Retraining reproduced the artefact byte for byte."
            if present(trained) and trained == again
            else f"Retraining has not been shown to reproduce the artefact "
            f"(trained {text(trained)}, reproduced {text(again)})."
        ),
        KeyValues(
            [
                ("Bundle digest", digest),
                ("Policy revision", text(decision.get("policy_revision"))),
                ("OPA version", text(decision.get("opa_version"))),
                (
                    "Replay",
                    "mrm-gate replay --index N (the ledger record of this decision), or "
                    f"mrm-gate check --stage {text(decision.get('stage'))} "
                    f"--now {text(decision.get('decided_at'))} with the same policy revision",
                ),
            ]
        ),
        Table(
            "Data snapshots",
            ["path", "md5", "sha256", "source"],
            [[text(s.get(k)) for k in ("path", "md5", "sha256", "source")] for s in snapshots]
            or [[MISSING] * 4],
        ),
        Table(
            "Evidence provenance",
            ["file", "kind", "sha256"],
            [[text(s.get(k)) for k in ("path", "kind", "sha256")] for s in sources]
            or [[MISSING] * 3],
        ),
    ]
    return Section("reproducibility", "Reproducibility references", blocks)


def build_pack(
    bundle: dict[str, Any],
    decision: dict[str, Any],
    digest: str,
    *,
    approval_evidence: list[dict[str, Any]] | None = None,
) -> Pack:
    """The document model; ``digest`` must be the bundle's and the decision's digest."""
    if decision.get("bundle_digest") != digest:
        raise UsageError(
            f"the decision is about bundle {decision.get('bundle_digest')!r}, not this bundle "
            f"({digest})",
            hint="pass the decision made for this bundle (mrm-gate check --format json)",
        )
    ident = f"{text(get(bundle, 'model.id'))} {text(get(bundle, 'model.version'))}"
    title = f"{text(get(bundle, 'model.name'))} ({ident})"
    return Pack(
        title,
        digest,
        [
            _overview(bundle, decision, digest),
            _development(bundle),
            _data(bundle),
            _validation(bundle),
            _compliance(decision),
            _annex_iv(bundle),
            _approvals(decision, approval_evidence or []),
            _reproducibility(bundle, decision, digest),
        ],
    )


# --------------------------------------------------------------------------- Markdown


def _md_cell(value: str) -> str:
    return value.replace("\\", "\\\\").replace("|", "\\|").replace("\n", "; ") or MISSING


def _md_table(headers: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(_md_cell(h) for h in headers) + " |"]
    out.append("|" + "---|" * len(headers))
    width = len(headers)
    for row in rows:
        cells = (row + [MISSING] * width)[:width]
        out.append("| " + " | ".join(_md_cell(c) for c in cells) + " |")
    return out


def to_markdown(pack: Pack) -> str:
    lines = [
        f"# Model documentation: {pack.title}",
        "",
        f"Bundle digest: `{pack.bundle_digest}`",
        "",
    ]
    for section in pack.sections:
        lines += [f"## {section.title}", ""]
        for block in section.blocks:
            if isinstance(block, KeyValues):
                lines += _md_table(["item", "value"], [[k, v] for k, v in block.rows])
            elif isinstance(block, Table):
                lines += [f"**{block.caption}**", ""]
                lines += _md_table(block.headers, block.rows)
            elif isinstance(block, Paragraph):
                lines.append(block.text)
            else:
                lines += [f"**{block.caption}** (chart in the HTML pack)", ""]
                lines += _md_table(["label", "value"], [[k, f"{v:g}"] for k, v in block.bars])
            lines.append("")
    return "\n".join(lines)


# --------------------------------------------------------------------------- HTML

_CSS = """
body{font-family:sans-serif;margin:2em auto;max-width:1100px;color:#1c1c1c;line-height:1.4}
h1{font-size:1.6em;margin-bottom:.2em}h2{border-bottom:2px solid #3b6ea5;padding-bottom:.2em;
margin-top:1.8em}.digest{font-family:monospace;background:#f1f3f5;padding:.3em .5em}
table{border-collapse:collapse;margin:.6em 0 1.2em;width:100%;font-size:.88em}
th,td{border:1px solid #ccd;padding:.25em .45em;text-align:left;vertical-align:top}
.hash{font-family:monospace;font-size:.92em;word-break:break-all}th{background:#e8eef5}caption{text-align:left;font-weight:bold;
padding:.3em 0}.missing{color:#b22222;font-style:italic}.st-pass{background:#e3f4e3}
.st-fail{background:#f9d6d5;font-weight:bold}.st-waived{background:#fff1c2}
.st-not-applicable{color:#666}nav a{margin-right:1em}figure{margin:1em 0}
"""


def _html_cell(value: str, tag: str = "td") -> str:
    if value == MISSING:
        return f'<{tag} class="missing">missing</{tag}>'
    cls = {v: k for k, v in STATUS_LABEL.items()}.get(value)
    attr = f' class="st-{cls.replace("_", "-")}"' if cls else ""
    if not cls and any(len(token) > 40 for token in value.split()):
        attr = ' class="hash"'
    return f"<{tag}{attr}>{escape(value).replace(chr(10), '<br>')}</{tag}>"


def to_html(pack: Pack) -> str:
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Model documentation: {escape(pack.title)}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<header><h1>Model documentation: {escape(pack.title)}</h1>",
        f'<p>Bundle digest: <span class="digest">{escape(pack.bundle_digest)}</span></p>',
        "<nav>"
        + "".join(f'<a href="#{s.id}">{escape(s.title)}</a>' for s in pack.sections)
        + "</nav></header><main>",
    ]
    for section in pack.sections:
        out.append(f'<section id="{section.id}"><h2>{escape(section.title)}</h2>')
        for block in section.blocks:
            if isinstance(block, KeyValues):
                out.append("<table>")
                out += [f"<tr>{_html_cell(k, 'th')}{_html_cell(v)}</tr>" for k, v in block.rows]
                out.append("</table>")
            elif isinstance(block, Table):
                out.append(f"<table><caption>{escape(block.caption)}</caption><tr>")
                out += [_html_cell(h, "th") for h in block.headers]
                out.append("</tr>")
                width = len(block.headers)
                for row in block.rows:
                    cells = (row + [MISSING] * width)[:width]
                    out.append("<tr>" + "".join(_html_cell(c) for c in cells) + "</tr>")
                out.append("</table>")
            elif isinstance(block, Paragraph):
                out.append(f"<p>{escape(block.text)}</p>")
            else:
                out.append(f"<figure>{block.svg}</figure>")
        out.append("</section>")
    out.append("</main></body></html>")
    return "\n".join(out) + "\n"
