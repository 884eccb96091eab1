"""Keys and trust files for the attestation tests, made with `cryptography` directly.

The audit tests' helpers (real decisions from the real OPA, turned into records) are
shared: importing this module puts their folder on the import path.
"""

from __future__ import annotations

import base64
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "audit"))


@dataclass(frozen=True)
class KeyFiles:
    private: Path
    public: Path
    public_pem: str

    def trust(
        self,
        path: Path,
        *,
        valid_from: str | None = "2026-01-01T00:00:00Z",
        valid_until: str | None = "2027-12-31T00:00:00Z",
        revoked: bool = False,
        revoked_attestations: tuple[str, ...] = (),
    ) -> Path:
        """Write a trust file naming this key with the given window."""
        entry: dict[str, Any] = {"public_key": self.public_pem, "revoked": revoked}
        if valid_from is not None:
            entry["valid_from"] = valid_from
        if valid_until is not None:
            entry["valid_until"] = valid_until
        doc = {
            "apiVersion": "mrm-gate/trust/v1",
            "keys": [entry],
            "revoked_attestations": list(revoked_attestations),
        }
        path.write_text(json.dumps(doc, indent=2), "utf-8")
        return path


def make_key(directory: Path) -> KeyFiles:
    """A fresh ed25519 key pair in ``directory`` (never committed: made per test)."""
    directory.mkdir(parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    private = directory / "signing-key.pem"
    private.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    pem = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode("ascii")
    )
    public = directory / "public-key.pem"
    public.write_text(pem, "ascii")
    return KeyFiles(private, public, pem)


def payload_of(envelope: dict[str, Any]) -> dict[str, Any]:
    value = json.loads(base64.b64decode(envelope["payload"]))
    assert isinstance(value, dict)
    return value


def with_payload(envelope: dict[str, Any], statement: dict[str, Any]) -> dict[str, Any]:
    """The envelope with another payload and the ORIGINAL signatures (a forgery)."""
    data = json.dumps(statement, sort_keys=True).encode("utf-8")
    return {**envelope, "payload": base64.b64encode(data).decode("ascii")}
