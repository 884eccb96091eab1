"""The decision attestation: an in-toto Statement v1 about a model artefact and its evidence.

Subjects are the model artefact (``artifact.digest`` of the bundle, a file's sha256) and
the evidence bundle (its gate digest). The predicate is a SLSA Verification Summary
(``https://slsa.dev/verification_summary/v1``): ``verifier``, ``timeVerified``,
``resourceUri``, ``policy``, ``inputAttestations``, ``verificationResult`` and
``verifiedLevels`` keep their VSA meaning; the model-risk facts VSA has no field for
(stage, model, controls' outcomes, waivers, the approvals as collected, the ledger entry)
are in one extension member, ``mrmGate``. VSA consumers ignore members they do not know.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from gate.attest.envelope import EnvelopeRefused

STATEMENT_TYPE = "https://in-toto.io/Statement/v1"
PREDICATE_TYPE = "https://slsa.dev/verification_summary/v1"
VERIFIER_ID = "https://github.com/mrm-gate/mrm-gate"
EXTENSION = "mrmGate"
ARTIFACT_ROLE, BUNDLE_ROLE = "model-artifact", "evidence-bundle"


def stage_level(stage: str) -> str:
    """The VSA verified level for an allowed stage (custom levels must not start SLSA_)."""
    return f"MRM_GATE_{stage.upper()}"


def _digest_set(digest: str) -> dict[str, str]:
    algorithm, _, value = digest.partition(":")
    return {algorithm: value}


def _collected_approvals(
    record: dict[str, Any], policy_input: dict[str, Any]
) -> list[dict[str, Any]]:
    """Each approval that satisfied a requirement, as the gate collected it."""
    collected = [a for a in policy_input.get("approvals", []) if isinstance(a, dict)]
    head = ((policy_input.get("context") or {}).get("pull_request") or {}).get("head_sha")
    out = []
    for req in record["approvals"]:
        for login in req["satisfied_by"]:
            found = next(
                (a for a in collected if a.get("role") == req["role"] and a.get("login") == login),
                {},
            )
            fields = ("via", "url", "at", "commit_sha", "bundle_digest", "team")
            out.append(
                {"role": req["role"], "login": login}
                | {k: found[k] for k in fields if k in found}
                | {"pull_request_head_sha": head}
            )
    return out


def _policy_descriptor(record: dict[str, Any]) -> dict[str, Any]:
    revision = str(record["policy"]["revision"])
    if revision.startswith("sha256:"):
        source = record["policy"]["source"]
        return {"uri": f"mrm-gate-policy:{source}", "digest": _digest_set(revision)}
    return {"uri": f"mrm-gate-policy:{revision}"}


def build_statement(
    record: dict[str, Any], policy_input: dict[str, Any], ledger_entry: dict[str, Any] | None
) -> dict[str, Any]:
    """The Statement for a sound decision record (checked by the caller) and its input.

    Raises ValueError when the bundle names no artefact digest: there is nothing to attest.
    """
    artifact = policy_input["bundle"].get("artifact") or {}
    digest = record.get("artifact_digest")
    if not isinstance(digest, str) or not digest.startswith("sha256:"):
        raise ValueError("the bundle names no artifact.digest, so no artefact can be attested")
    model = record["model"]
    name = str(artifact.get("name") or artifact.get("path") or f"{model['id']}@{model['version']}")
    dec = record["decision"]
    allowed = bool(record["allow"])
    return {
        "_type": STATEMENT_TYPE,
        "subject": [
            {"name": name, "digest": _digest_set(digest), "annotations": {"role": ARTIFACT_ROLE}},
            {
                "name": f"evidence-bundle:{model['id']}@{model['version']}",
                "digest": _digest_set(record["bundle_digest"]),
                "annotations": {"role": BUNDLE_ROLE},
            },
        ],
        "predicateType": PREDICATE_TYPE,
        "predicate": {
            "verifier": {
                "id": VERIFIER_ID,
                "version": {"mrm-gate": record["gate_version"], "opa": record["opa_version"]},
            },
            "timeVerified": dec["decided_at"],
            "resourceUri": name,
            "policy": _policy_descriptor(record),
            "inputAttestations": [
                {"uri": "mrm-gate:policy-input", "digest": _digest_set(record["input_digest"])}
            ],
            "verificationResult": "PASSED" if allowed else "FAILED",
            "verifiedLevels": [stage_level(record["stage"])] if allowed else [],
            EXTENSION: {
                "stage": record["stage"],
                "allow": allowed,
                "model": model,
                "policy_revision": record["policy"]["revision"],
                "bundle_digest": record["bundle_digest"],
                "artifact_digest": digest,
                "input_digest": record["input_digest"],
                "controls": [
                    {"id": c.get("id"), "status": c.get("status")} for c in dec["controls"]
                ],
                "violations": sorted({str(v.get("control_id")) for v in dec["violations"]}),
                "waived": sorted({str(w.get("control_id")) for w in dec["waived"]}),
                "approvals": _collected_approvals(record, policy_input),
                "ci": record["ci"],
                "ledger_entry": ledger_entry,
            },
        },
    }


@dataclass(frozen=True)
class Claim:
    """What a verified statement says, read strictly."""

    statement: dict[str, Any]
    artifact_digests: tuple[str, ...]
    bundle_digest: str
    stage: str
    allowed: bool
    policy_revision: str
    time_verified: str
    approvals: tuple[dict[str, Any], ...]
    model: dict[str, Any]


def _fail(where: str, what: str) -> EnvelopeRefused:
    return EnvelopeRefused(f"{where}: not a decision attestation of mrm-gate: {what}")


def _subjects(statement: dict[str, Any], where: str) -> dict[str, list[str]]:
    subjects = statement.get("subject")
    if not isinstance(subjects, list) or not subjects:
        raise _fail(where, "no subject")
    by_role: dict[str, list[str]] = {}
    for item in subjects:
        digest = item.get("digest") if isinstance(item, dict) else None
        role = (item.get("annotations") or {}).get("role") if isinstance(item, dict) else None
        if not isinstance(digest, dict) or not isinstance(digest.get("sha256"), str):
            raise _fail(where, "a subject without a sha256 digest")
        by_role.setdefault(str(role), []).append("sha256:" + digest["sha256"])
    return by_role


def read_claim(payload: bytes, where: str) -> Claim:
    """The claim of a (signature-checked) payload; raise EnvelopeRefused when malformed."""
    try:
        statement = json.loads(payload)
    except ValueError:
        raise _fail(where, "the payload is not JSON") from None
    if not isinstance(statement, dict) or statement.get("_type") != STATEMENT_TYPE:
        raise _fail(where, f"_type is not {STATEMENT_TYPE}")
    if statement.get("predicateType") != PREDICATE_TYPE:
        raise _fail(where, f"predicateType is not {PREDICATE_TYPE}")
    predicate = statement.get("predicate")
    ext = predicate.get(EXTENSION) if isinstance(predicate, dict) else None
    if not isinstance(predicate, dict) or not isinstance(ext, dict):
        raise _fail(where, f"the predicate has no {EXTENSION} member")
    roles = _subjects(statement, where)
    stage, allowed = ext.get("stage"), ext.get("allow")
    result = predicate.get("verificationResult")
    if not isinstance(stage, str) or not isinstance(allowed, bool):
        raise _fail(where, "stage or allow is missing")
    levels = predicate.get("verifiedLevels")
    if result != ("PASSED" if allowed else "FAILED") or (
        allowed and levels != [stage_level(stage)]
    ):
        raise _fail(where, "verificationResult, verifiedLevels and allow disagree")
    if len(roles.get(BUNDLE_ROLE, [])) != 1 or ext.get("bundle_digest") not in roles[BUNDLE_ROLE]:
        raise _fail(where, "the evidence bundle subject disagrees with the predicate")
    approvals, model = ext.get("approvals"), ext.get("model")
    if not isinstance(model, dict):
        raise _fail(where, "model is not an object")
    if not isinstance(approvals, list) or not all(isinstance(a, dict) for a in approvals):
        raise _fail(where, "approvals is not a list of objects")
    return Claim(
        statement=statement,
        artifact_digests=tuple(roles.get(ARTIFACT_ROLE, [])),
        bundle_digest=roles[BUNDLE_ROLE][0],
        stage=stage,
        allowed=allowed,
        policy_revision=str(ext.get("policy_revision")),
        time_verified=str(predicate.get("timeVerified")),
        approvals=tuple(approvals),
        model=model,
    )
