"""What the pack says: the sections, selected from the bundle and the decision.

Each function returns one section of the document model (model.py); the regulatory tables
(which expectation a section answers, which evidence and controls it rests on, the Annex IV
and FDA headings) are data in regulation.yml.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml

from gate.audit.docs_pack import charts
from gate.audit.docs_pack.model import (
    MISSING,
    STATUS_LABEL,
    STATUS_ORDER,
    Block,
    KeyValues,
    Paragraph,
    Section,
    Source,
    Table,
    get,
    kv,
    numbers,
    objects,
    present,
    text,
)
from gate.decision import Decision
from gate.report.text import guidance_text


@cache
def regulation() -> dict[str, Any]:
    """The regulatory content (regulation.yml, package data)."""
    raw = resources.files("gate.audit.docs_pack").joinpath("regulation.yml").read_text("utf-8")
    doc: dict[str, Any] = yaml.safe_load(raw)
    return doc


def _covers(prefix: str, path: str) -> bool:
    return path == prefix or path.startswith(prefix + ".") or prefix.startswith(path + ".")


def attach_basis(section: Section, bundle: dict[str, Any], decision: Decision) -> Section:
    """Fill in the expectation a section answers, its evidence files, and its controls."""
    spec = regulation()["sections"].get(section.id, {})
    section.basis = str(spec.get("basis", ""))
    wanted = [str(p) for p in spec.get("evidence", [])]
    for src in objects(get(bundle, "provenance.sources")):
        where = str(src.get("section") or "")
        if where and any(_covers(w, where) for w in wanted):
            section.sources.append(Source(text(src.get("path")), text(src.get("sha256")), where))
    prefixes = tuple(str(p) for p in spec.get("controls", []))
    for ctl in decision.controls:
        cid = str(ctl.get("id"))
        if any(cid == p or (p.endswith("-") and cid.startswith(p)) for p in prefixes):
            status = str(ctl.get("status"))
            section.controls.append((cid, STATUS_LABEL.get(status, status)))
    return section


def overview(bundle: dict[str, Any], decision: Decision, digest: str) -> Section:
    counts = dict.fromkeys(STATUS_ORDER, 0)
    for ctl in decision.controls:
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
        ("Stage", text(decision.stage)),
        ("Decision", "ALLOWED" if decision.allow else "DENIED"),
        ("Decided at", text(decision.decided_at)),
        ("Policy revision", text(decision.policy_revision)),
        ("OPA version", text(decision.opa_version)),
        ("Supervisory guidance", guidance_text(decision.guidance)),
        ("Controls", ", ".join(f"{counts[s]} {STATUS_LABEL[s]}" for s in STATUS_ORDER)),
    ]
    return Section("overview", "Identification and decision", [KeyValues(rows)])


def development(bundle: dict[str, Any]) -> Section:
    features = objects(get(bundle, "model.features"))
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
        hyperparameters(get(bundle, "model_design.hyperparameters"), "Hyperparameters"),
        Table(
            "Features",
            ["name", "type", "protected", "description"],
            [
                [text(f.get(k)) for k in ("name", "type", "protected", "description")]
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


def hyperparameters(value: Any, caption: str) -> Table:
    """One row per hyperparameter; a searched grid is printed as its list of values."""
    if not isinstance(value, dict) or not value:
        return Table(caption, ["parameter", "value"], [[MISSING, MISSING]])
    rows = []
    for name, setting in sorted(value.items()):
        if isinstance(setting, list):
            shown = "grid searched: " + ", ".join(text(v) for v in setting)
        elif isinstance(setting, dict):
            shown = "; ".join(f"{k} = {text(v)}" for k, v in setting.items())
        else:
            shown = text(setting)
        rows.append([str(name), shown])
    return Table(caption, ["parameter", "value"], rows)


def data(bundle: dict[str, Any]) -> Section:
    datasets = objects(get(bundle, "data.datasets"))
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
        blocks.append(charts.bar_chart("Rows per dataset", rows, "rows"))
    for d in datasets:
        counts = numbers(get(d, "representativeness.n_per_segment"))
        if counts:
            floor = get(d, "representativeness.min_n")
            ref = ("min n", float(floor)) if isinstance(floor, int | float) else None
            title = f"Rows per segment in {text(d.get('name'))}"
            blocks.append(charts.bar_chart(title, counts, "rows", ref))
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


def compliance(decision: Decision) -> Section:
    controls = sorted(
        decision.controls,
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
    for items, caption in (
        (decision.violations, "Violations"),
        (decision.waived, "Waived violations"),
    ):
        blocks.append(
            Table(
                caption,
                ["control", "message", "evidence", "remediation"],
                [
                    [text(v.get(k)) for k in ("control_id", "msg", "evidence_path", "remediation")]
                    for v in items
                ]
                or [["none", "-", "-", "-"]],
            )
        )
    return Section("compliance", "Compliance matrix", blocks)


def _coverage(bundle: dict[str, Any], headings: list[dict[str, Any]], doc_key: str) -> Table:
    rows = []
    for n, item in enumerate(headings, start=1):
        paths = [str(p) for p in item["fields"]]
        have = [p for p in paths if present(get(bundle, p))]
        lacking = [p for p in paths if p not in have]
        doc = get(bundle, f"{doc_key}{n}") if doc_key else None
        document = (
            f"{text(get(doc, 'uri'))} ({text(get(doc, 'digest'))})"
            if isinstance(doc, dict)
            else MISSING
        )
        row = [
            str(item["heading"]),
            ", ".join(have) or "none",
            ", ".join(lacking) or "none",
            f"{len(have)} of {len(paths)}",
        ]
        rows.append(row + ([document] if doc_key else []))
    headers = ["heading", "fields present", "fields missing", "coverage"]
    return Table(
        "Headings and the bundle fields that answer them",
        headers + (["document"] if doc_key else []),
        rows,
    )


def annex_iv(bundle: dict[str, Any]) -> Section:
    applies = get(bundle, "eu_ai_act.applicable") is True
    blocks: list[Block] = [
        kv(
            bundle,
            [
                ("EU AI Act applies", "eu_ai_act.applicable"),
                ("High-risk", "eu_ai_act.classification.high_risk"),
                ("Annex III point", "eu_ai_act.classification.annex_iii_point"),
                ("Annex IV documentation updated", "eu_ai_act.annex_iv.updated_at"),
            ],
        ),
        _coverage(bundle, regulation()["annex_iv"], "eu_ai_act.annex_iv.section_"),
    ]
    if not applies:
        blocks.insert(
            1,
            Paragraph(
                "The EU AI Act is not recorded as applying to this model; "
                "the cross-reference is shown for completeness."
            ),
        )
    return Section("annex-iv", "EU AI Act Annex IV cross-reference", blocks)


def fda(bundle: dict[str, Any]) -> Section:
    crit = get(bundle, "fda.clinical_test.acceptance_criteria")
    results = numbers(get(bundle, "fda.clinical_test.results"))
    intervals = get(bundle, "fda.clinical_test.ci.intervals")
    rows = []
    for metric, rule in crit.items() if isinstance(crit, dict) else []:
        bound = ", ".join(f"{k} {rule[k]:g}" for k in ("min", "max") if k in rule)
        ci = get(intervals, metric)
        shown = (
            f"{text(get(ci, 'lower'))} to {text(get(ci, 'upper'))}"
            if isinstance(ci, dict)
            else MISSING
        )
        rows.append([metric, bound or MISSING, text(results.get(metric)), shown])
    level = get(bundle, "fda.clinical_test.ci.level")
    return Section(
        "fda",
        "FDA device documentation",
        [
            kv(
                bundle,
                [
                    ("Device software function", "fda.device_function"),
                    ("Device version", "fda.device_version"),
                    ("Previous version", "fda.previous_device_version"),
                    ("Authorized PCCP", "fda.pccp.authorized_version"),
                ],
            ),
            Table(
                f"Standalone performance against acceptance criteria (intervals at "
                f"{text(level)}, as reported by the clinical study)",
                ["metric", "criterion", "result", "interval"],
                rows or [[MISSING] * 4],
            ),
            _coverage(bundle, regulation()["fda"], ""),
        ],
    )


def approvals(decision: Decision, evidence: list[dict[str, Any]]) -> Section:
    by_role = {str(a.get("role")): a for a in evidence}
    required = decision.required_approvals
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
    stale = decision.stale_approvals
    blocks: list[Block] = [
        Paragraph(
            f"Stage {text(decision.stage)}: "
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


def reproducibility(bundle: dict[str, Any], decision: Decision, digest: str) -> Section:
    snapshots = objects(get(bundle, "reproducibility.data_snapshots"))
    sources = objects(get(bundle, "provenance.sources"))
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
                ("Artefact sha256", "reproducibility.artifact_sha256"),
                ("Reproduced sha256", "reproducibility.reproduced_artifact_sha256"),
                ("Reproduced at", "reproducibility.reproduced_at"),
                ("MLflow run", "reproducibility.mlflow_run_id"),
                ("Collected at commit", "collected.git.commit"),
                ("CI repository", "collected.ci.repository"),
                ("CI run", "collected.ci.run_id"),
            ],
        ),
        hyperparameters(
            get(bundle, "reproducibility.hyperparameters"), "Hyperparameters of the training run"
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
                ("Policy revision", text(decision.policy_revision)),
                ("OPA version", text(decision.opa_version)),
                (
                    "Replay",
                    "mrm-gate replay --index N (the ledger record of this decision), or "
                    f"mrm-gate check --stage {text(decision.stage)} "
                    f"--now {text(decision.decided_at)} with the same policy revision",
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
