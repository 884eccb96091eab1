"""`mrm-gate verify`: was this artefact allowed at this stage, on whose word?

The order matters: the signature is checked before anything in the payload is read, then
the key's validity (at the decision time and at the verification time: a deploy relies
only on a key trusted today), then the withdrawal list, and only then what the statement
claims (artefact, stage, verdict).
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import Any

from gate.attest.envelope import IN_TOTO_PAYLOAD, EnvelopeRefused, verify
from gate.attest.keys import Trust, TrustedKey, parse_time
from gate.attest.statement import Claim, read_claim
from gate.errors import EXIT_DENIED, GateError


class NotAllowed(GateError):
    """A genuine attestation that does not allow this artefact at this stage (exit 1)."""

    exit_code = EXIT_DENIED


@dataclass(frozen=True)
class Verdict:
    claim: Claim
    key: TrustedKey
    payload_digest: str


def verify_attestation(
    doc: Any,
    trust: Trust,
    *,
    artifact_digest: str,
    stage: str,
    now: _dt.datetime,
    where: str,
) -> Verdict:
    """The verdict when ``doc`` allows ``artifact_digest`` at ``stage``; raise
    EnvelopeRefused (exit 2) for an unacceptable attestation and NotAllowed (exit 1) for
    a genuine one that does not allow this artefact at this stage."""
    verified = verify(doc, trust, payload_type=IN_TOTO_PAYLOAD, where=where)
    claim = read_claim(verified.payload, where)
    if verified.payload_digest in trust.revoked_attestations:
        raise EnvelopeRefused(
            f"{where}: REVOKED: attestation {verified.payload_digest} is withdrawn in "
            f"{trust.source}"
        )
    decided = parse_time(claim.time_verified, f"{where}: timeVerified")
    key = verified.require_valid(
        [(decided, "the decision time"), (now, "the verification time")], where
    )
    if artifact_digest not in claim.artifact_digests:
        raise NotAllowed(
            f"{where} is not about this artefact: it attests "
            f"{', '.join(claim.artifact_digests) or 'no artefact'}, not {artifact_digest}",
            hint="use the attestation written for this artefact's decision",
        )
    if claim.stage != stage:
        raise NotAllowed(
            f"{where} attests stage {claim.stage}, not {stage}: a decision for one stage "
            "never allows another",
            hint=f"record a decision at {stage} (mrm-gate record --stage {stage} --attestation)",
        )
    if not claim.allowed:
        raise NotAllowed(
            f"{where}: the gate DENIED {artifact_digest} at {stage} "
            f"(policy revision {claim.policy_revision})",
            hint="see the decision record; fix the evidence or obtain the approvals, then "
            "record again",
        )
    return Verdict(claim, key, verified.payload_digest)


def describe_approval(approval: dict[str, Any]) -> str:
    """One approver, as collected: who, role, how, when, on which digest and commit."""
    parts = [str(approval.get(k)) for k in ("via", "at") if approval.get(k)]
    if approval.get("bundle_digest"):
        parts.append(f"on {str(approval['bundle_digest'])[:23]}")
    head = approval.get("commit_sha") or approval.get("pull_request_head_sha")
    if head:
        parts.append(f"head {str(head)[:12]}")
    return f"{approval.get('role')}: {approval.get('login')} ({', '.join(parts)})"
