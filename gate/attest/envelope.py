"""DSSE envelopes: signing a payload, and verifying one against a trust file.

The envelope layout, the pre-authentication encoding (which binds the payload type, so a
signature over one kind of payload is never accepted for another) and the signature
checks are securesystemslib's. What is added here is the strict reading of an envelope
(a truncated or re-shaped file is refused, never half-read) and the trust decisions:
which key, valid when, revoked or not.
"""

from __future__ import annotations

import binascii
import datetime as _dt
import hashlib
import importlib.util
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from gate.attest.keys import Trust, TrustedKey, keyless_failure
from gate.errors import UsageError

IN_TOTO_PAYLOAD = "application/vnd.in-toto+json"


class EnvelopeRefused(UsageError):
    """An envelope is not acceptable: unsigned, altered, untrusted, expired, revoked,
    malformed (exit 2)."""


@dataclass(frozen=True)
class Verified:
    """An envelope with at least one signature a trusted key made: its payload and the
    keys whose signatures matched (not yet checked for their validity window)."""

    payload: bytes
    payload_type: str
    keys: tuple[TrustedKey, ...]

    @property
    def payload_digest(self) -> str:
        return "sha256:" + hashlib.sha256(self.payload).hexdigest()

    def require_valid(self, times: Sequence[tuple[_dt.datetime, str]], where: str) -> TrustedKey:
        """The first signing key valid (not revoked, in its window) at every one of
        ``times`` (when, what it is); raise EnvelopeRefused otherwise."""
        problems = []
        for key in self.keys:
            problem = next((p for p in (key.problem_at(t, what) for t, what in times) if p), "")
            if not problem:
                return key
            problems.append(problem)
        raise EnvelopeRefused(f"{where}: refused: " + "; ".join(problems))


def sign(payload: bytes, payload_type: str, signer: Any) -> dict[str, Any]:
    """A DSSE envelope (as a JSON object) of ``payload`` signed by ``signer``."""
    from securesystemslib.dsse import Envelope
    from securesystemslib.signer import SigstoreSigner

    envelope = Envelope(payload, payload_type, {})
    try:
        envelope.sign(signer)
    except Exception as exc:
        if isinstance(signer, SigstoreSigner):  # the remote path fails closed, clearly
            raise keyless_failure(exc) from None
        raise
    return dict(envelope.to_dict())


def _parse(doc: Any, where: str) -> Any:
    from securesystemslib.dsse import Envelope

    if not isinstance(doc, dict) or set(doc) != {"payload", "payloadType", "signatures"}:
        raise EnvelopeRefused(
            f"{where}: not a DSSE envelope (needs exactly payload, payloadType, signatures)"
        )
    signatures = doc["signatures"]
    if not isinstance(signatures, list) or not signatures:
        raise EnvelopeRefused(f"{where}: UNSIGNED: the envelope carries no signature")
    if not all(isinstance(s, dict) and isinstance(s.get("keyid"), str) for s in signatures):
        raise EnvelopeRefused(f"{where}: every signature needs a keyid and a sig")
    if not isinstance(doc["payload"], str) or not isinstance(doc["payloadType"], str):
        raise EnvelopeRefused(f"{where}: payload and payloadType must be strings")
    try:
        return Envelope.from_dict({**doc, "signatures": [dict(s) for s in signatures]})
    except (KeyError, ValueError, TypeError, binascii.Error) as exc:
        raise EnvelopeRefused(f"{where}: malformed envelope ({exc})") from None


def _check_signature(key: TrustedKey, signature: Any, pae: bytes) -> str:
    """'' when ``key`` made ``signature`` over ``pae``, otherwise why not.

    A Sigstore identity is checked against the public-good instance (certificate chain,
    transparency log); when that cannot happen here the check fails closed (exit 3).
    """
    from securesystemslib.exceptions import UnverifiedSignatureError, VerificationError
    from securesystemslib.signer import SigstoreKey

    keyless = isinstance(key.key, SigstoreKey)
    if keyless and importlib.util.find_spec("sigstore") is None:
        raise keyless_failure(ImportError("the sigstore library is not installed"))
    try:
        key.key.verify_signature(signature, pae)
    except VerificationError as exc:  # a subclass of the next: "could not check", not "no"
        if keyless:
            raise keyless_failure(exc) from None
        return f"the signature of key {key.keyid[:16]} cannot be checked ({exc})"
    except UnverifiedSignatureError:
        return f"the signature of key {key.keyid[:16]} does not match: the envelope was altered"
    except Exception as exc:
        if keyless:
            raise keyless_failure(exc) from None
        return f"the signature of key {key.keyid[:16]} cannot be checked ({exc})"
    return ""


def verify(doc: Any, trust: Trust, *, payload_type: str, where: str) -> Verified:
    """``doc`` read strictly, with the trusted keys that signed it; raise EnvelopeRefused
    when it is malformed, of another payload type, or no trusted key's signature matches.
    """
    envelope = _parse(doc, where)
    if envelope.payload_type != payload_type:
        raise EnvelopeRefused(
            f"{where}: payload type {envelope.payload_type!r} is not {payload_type!r}"
        )
    pae = envelope.pae()
    problems, keys = [], []
    for keyid, signature in envelope.signatures.items():
        key = trust.find(keyid)
        problem = (
            f"UNTRUSTED: key {keyid[:16]} is not in the trust file"
            if key is None
            else _check_signature(key, signature, pae)
        )
        if problem:
            problems.append(problem)
        elif key is not None:
            keys.append(key)
    if not keys:
        raise EnvelopeRefused(f"{where}: refused: " + "; ".join(problems))
    return Verified(envelope.payload, envelope.payload_type, tuple(keys))
