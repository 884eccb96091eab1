"""Promotion through the gate: the registry alias of a stage moves only on an allowed
decision, and the model version carries the compliance record.

Developers register *candidate* versions (``<model>-candidates``, see
:mod:`gate.registry.training`); the governed registered model ``<model>`` is written only by
the gate's MLflow identity, which the tracking server's permissions enforce (everyone else
has READ on it, so a developer's own alias change is refused with 403). On allow, the
candidate version is copied into the governed model, tagged with the record below, and the
stage's alias (``production``, ``staging``) is set to it. The governed model is created
once, at set-up, by the gate's identity (its creator may manage it); promote never creates
it. Demotion moves the alias back to
the version promoted before it, or removes it when there is none, and tags why.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gate.collect.mlflow import mlflow_client
from gate.decision import Decision
from gate.errors import EngineError, EvidenceError, GateError, Problem, UsageError
from gate.fileio import canonical_json
from gate.registry.client import TAG, call

HISTORY = TAG + "history."  # registered-model tag per alias: versions promoted, in order


@dataclass(frozen=True)
class Promotion:
    """What promote did (or, denied, would not do)."""

    model: str
    alias: str
    version: str | None
    record: dict[str, str]

    def to_json(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "alias": self.alias,
            "version": self.version,
            "record": self.record,
        }


def decision_id(decision: Decision) -> str:
    """The decision's identity: sha256 of its canonical JSON."""
    return "sha256:" + hashlib.sha256(canonical_json(decision.to_dict())).hexdigest()


def approvers(decision: Decision) -> list[dict[str, Any]]:
    """Who satisfied each required approval role."""
    return [
        {"role": str(a.get("role")), "logins": sorted(str(x) for x in a.get("satisfied_by", []))}
        for a in decision.required_approvals
    ]


def compliance_record(
    bundle: dict[str, Any], decision: Decision, *, attestation: Path | None, now: str
) -> dict[str, str]:
    """The tags written on the promoted model version (strings, as MLflow stores them)."""
    mlflow = bundle["collected"]["mlflow"]
    repro = bundle.get("reproducibility") or {}
    validation = bundle.get("validation") or {}
    record: dict[str, Any] = {
        "stage": decision.stage,
        "evidence_digest": decision.bundle_digest,
        "decision_id": decision_id(decision),
        "decided_at": decision.decided_at,
        "policy_revision": decision.policy_revision,
        "approvers": approvers(decision),
        "promoted_at": now,
        "candidate": f"models:/{mlflow['registered_model']}/{mlflow['model_version']}",
        "run_id": mlflow["run_id"],
        "git_commit": repro.get("git_commit", ""),
        "artifact_digest": bundle["artifact"]["digest"],
        "data_snapshots": repro.get("data_snapshots", []),
        "environment": repro.get("environment", {}),
        "reproduction": {
            "reproduced_artifact_sha256": repro.get("reproduced_artifact_sha256"),
            "reproduced_at": repro.get("reproduced_at"),
        },
        "validation": {
            k: validation.get(k)
            for k in ("outcome", "conclusion", "validator_ids", "artifact_digest")
            if k in validation
        },
    }
    if attestation is not None:
        record["attestation_digest"] = (
            "sha256:" + hashlib.sha256(attestation.read_bytes()).hexdigest()
        )
    return {
        TAG + k: v if isinstance(v, str) else json.dumps(v, sort_keys=True)
        for k, v in record.items()
    }


def governed_model(bundle: dict[str, Any]) -> str:
    """The registered model a bundle promotes into: its model id."""
    mlflow = (bundle.get("collected") or {}).get("mlflow")
    if not isinstance(mlflow, dict):
        raise EvidenceError(
            "the bundle has no collected.mlflow: it was not collected from an MLflow registry",
            [
                Problem(
                    "bundle",
                    "$.collected.mlflow",
                    "missing",
                    "set mlflow_registry in .mrm-gate.yml and collect with MLFLOW_TRACKING_URI",
                )
            ],
        )
    return str(bundle["model"]["id"])


def promote(
    uri: str,
    bundle: dict[str, Any],
    decision: Decision,
    *,
    attestation: Path | None,
    now: str,
) -> Promotion:
    """Copy the candidate into the governed model, tag it, and point the alias at it.
    Only called with an allowed decision; anything else is a programming error."""
    if not decision.allow:
        raise GateError("promote called with a denied decision")
    model = governed_model(bundle)
    record = compliance_record(bundle, decision, attestation=attestation, now=now)
    client = mlflow_client(uri)
    found = call("search registered models", client.search_registered_models, f"name = '{model}'")
    if not found:
        # Never created here: whoever creates a registered model may manage it, so the
        # governed model must already exist, created by the gate's identity at set-up.
        raise EngineError(
            f"the governed registered model {model} does not exist",
            hint="the platform team creates it once with the gate's MLflow identity "
            "(docs/registry.md), so that only the gate may change it",
        )
    copied = call(
        f"register the candidate in {model}",
        client.copy_model_version,
        record[TAG + "candidate"],
        model,
    )
    version = str(copied.version)
    for key, value in sorted(record.items()):
        call(
            f"tag {model} version {version}",
            client.set_model_version_tag,
            model,
            version,
            key,
            value,
        )
    alias = decision.stage
    history = _history(client, model, alias)
    call(f"set the alias {alias}", client.set_registered_model_alias, model, alias, version)
    call(
        "record the alias history",
        client.set_registered_model_tag,
        model,
        HISTORY + alias,
        json.dumps([*history, version]),
    )
    return Promotion(model, alias, version, record)


def _history(client: Any, model: str, alias: str) -> list[str]:
    rm = call(f"read {model}", client.get_registered_model, model)
    raw = rm.tags.get(HISTORY + alias, "[]")
    try:
        history = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise EngineError(f"registry tag {HISTORY + alias} of {model} is not JSON") from exc
    return [str(v) for v in history]


def demote(uri: str, model: str, alias: str, *, reason: str, now: str) -> Promotion:
    """Move ``alias`` back to the version promoted before the current one (or remove it),
    and tag the demoted version with when and why."""
    client = mlflow_client(uri)
    history = _history(client, model, alias)
    rm = call(f"read {model}", client.get_registered_model, model)
    current = dict(rm.aliases).get(alias) if isinstance(rm.aliases, dict) else None
    if current is None:
        raise UsageError(f"{model} has no alias {alias!r}: nothing to demote")
    current = str(current)
    earlier = [v for v in history if v != current]
    for key, value in ((TAG + "demoted_at", now), (TAG + "demoted_reason", reason)):
        call("tag the demoted version", client.set_model_version_tag, model, current, key, value)
    if earlier:
        back = earlier[-1]
        call(f"move {alias} back", client.set_registered_model_alias, model, alias, back)
    else:
        back = None
        call(f"remove {alias}", client.delete_registered_model_alias, model, alias)
    call(
        "record the alias history",
        client.set_registered_model_tag,
        model,
        HISTORY + alias,
        json.dumps(earlier),
    )
    return Promotion(
        model, alias, back, {TAG + "demoted_version": current, TAG + "demoted_reason": reason}
    )
