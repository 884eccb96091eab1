"""`trace`: a production decision traced to the model version that made it, and that
version to its run, commit, environment, hyperparameters, data, validation, approvals and
the gate decision that let it into production, in one record.

Everything is read where it is kept: the decision from the decision log, the version and
its compliance record (``mrm_gate.*`` tags written by promote) from the registry, the run
(params, metrics, commit, dataset inputs) from the tracking server. The reproduction is
reported as verified only when the recorded reproduced sha256 is the artefact's.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from gate.collect.mlflow import mlflow_client
from gate.errors import EngineError, EvidenceError, Problem
from gate.registry import decision_log
from gate.registry.client import TAG, read


def _record(tags: dict[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in tags.items():
        if key.startswith(TAG):
            name = key[len(TAG) :]
            try:
                out[name] = json.loads(value) if value[:1] in "[{" else value
            except json.JSONDecodeError:
                out[name] = value
    return out


def _run(client: Any, run_id: str) -> dict[str, Any]:
    run = read(f"read run {run_id}", client.get_run, run_id)
    inputs = run.inputs.dataset_inputs if run.inputs else []
    return {
        "run_id": run_id,
        "experiment_id": run.info.experiment_id,
        "commit": run.data.tags.get("mlflow.source.git.commit"),
        "hyperparameters": dict(sorted(run.data.params.items())),
        "metrics": dict(sorted(run.data.metrics.items())),
        "datasets": [
            {"name": d.dataset.name, "digest": d.dataset.digest, "source": d.dataset.source}
            for d in inputs
        ],
    }


def _reproduction(record: dict[str, Any]) -> dict[str, Any]:
    repro = record.get("reproduction") or {}
    artefact = str(record.get("artifact_digest", "")).removeprefix("sha256:")
    reproduced = repro.get("reproduced_artifact_sha256")
    return {
        "artifact_sha256": artefact,
        "reproduced_artifact_sha256": reproduced,
        "reproduced_at": repro.get("reproduced_at"),
        "verified": bool(reproduced) and reproduced == artefact,
    }


def trace(uri: str, log: Path, decision_id: str) -> dict[str, Any]:
    """The trace record of one production decision."""
    decision = decision_log.find(log, decision_id)
    model, version = decision["model_name"], decision["model_version"]
    client = mlflow_client(uri)
    mv = read(f"read {model} version {version}", client.get_model_version, model, version)
    record = _record(dict(mv.tags))
    if "decision_id" not in record:
        raise EvidenceError(
            f"{model} version {version} has no compliance record: it was not promoted by the gate",
            [Problem(f"models:/{model}/{version}", "$.tags", "no mrm_gate.* tags",
                     "serve only versions promoted with `mrm-gate promote`")],
        )  # fmt: skip
    run_id = str(record.get("run_id") or mv.run_id or "")
    if not run_id:
        raise EngineError(f"{model} version {version} names no training run")
    return {
        "decision": decision,
        "model_version": {
            "name": model,
            "version": version,
            "aliases": sorted(mv.aliases or []),
            "source": mv.source,
            "candidate": record.get("candidate"),
            "artifact_digest": record.get("artifact_digest"),
        },
        "registry_record": {
            k: record.get(k)
            for k in (
                "stage",
                "evidence_digest",
                "decision_id",
                "decided_at",
                "policy_revision",
                "attestation_digest",
                "promoted_at",
                "demoted_at",
                "demoted_reason",
            )
            if k in record
        },  # fmt: skip
        "approvals": record.get("approvers", []),
        "training_run": _run(client, run_id),
        "code_commit": record.get("git_commit"),
        "environment": record.get("environment", {}),
        "data_snapshots": record.get("data_snapshots", []),
        "validation": record.get("validation", {}),
        "reproduction": _reproduction(record),
        "production_decisions": decision_log.summary(log, model, version),
    }


def to_markdown(t: dict[str, Any]) -> str:
    """The trace for a person (an examiner's question answered on one page)."""
    d, mv, run = t["decision"], t["model_version"], t["training_run"]
    reg, rep, prod = t["registry_record"], t["reproduction"], t["production_decisions"]
    lines = [
        f"# Decision {d['decision_id']}",
        "",
        f"- **Made** {d['decided_at']} by **{mv['name']} version {mv['version']}**: "
        f"{d['decision']} (score {d['score']:.6f}), inputs {d['input_digest']}, "
        f"overrides {json.dumps(d['overrides'])}",
        f"- **Artefact** {mv['artifact_digest']} (registered from {mv['candidate']})",
        f"- **Promoted** to {reg.get('stage')} at {reg.get('promoted_at')} by gate decision "
        f"{reg.get('decision_id')} (evidence {reg.get('evidence_digest')}, policies "
        f"{reg.get('policy_revision')}"
        + (f", attestation {reg['attestation_digest']}" if reg.get("attestation_digest") else "")
        + ")",
    ]
    if reg.get("demoted_at"):
        lines.append(f"- **Demoted** at {reg['demoted_at']}: {reg.get('demoted_reason')}")
    lines += [
        f"- **Training run** {run['run_id']} from commit {run['commit']} "
        f"(gated commit {t['code_commit']})",
        f"- **Environment** {json.dumps(t['environment'], sort_keys=True)}",
        f"- **Hyperparameters** {json.dumps(run['hyperparameters'], sort_keys=True)}",
        "- **Data** "
        + "; ".join(
            f"{s.get('path')}"
            + (f" version {s['delta_version']}" if "delta_version" in s else "")
            + f" md5 {s.get('md5')} sha256 {s.get('sha256')}"
            for s in t["data_snapshots"]
        ),
        f"- **Validation** {t['validation'].get('outcome')} by "
        f"{', '.join(t['validation'].get('validator_ids', []))}: "
        f"{t['validation'].get('conclusion', '')}",
        "- **Approvals** "
        + "; ".join(f"{a['role']}: {', '.join(a['logins'])}" for a in t["approvals"]),
        f"- **Reproduction** {'verified byte for byte' if rep['verified'] else 'NOT verified'}"
        f" (reproduced {rep['reproduced_artifact_sha256']} at {rep['reproduced_at']})",
        f"- **Production decisions of this version** {prod['count']}, from "
        f"{prod['first_decision_at']} to {prod['last_decision_at']}",
    ]
    return "\n".join(lines) + "\n"
