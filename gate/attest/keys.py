"""Signing keys and the trust file that says which keys a verifier accepts, and when.

A signing key is a PKCS#8 PEM private key (ed25519 recommended; ECDSA P-256/P-384 work
too), read from a file the CI secret store provides. Keyless signing uses Sigstore
(a short-lived certificate for the workflow's OIDC identity) and needs the ``sigstore``
extra and the network; without either it fails closed (exit 3).

A trust file (JSON or YAML) lists the keys a verifier accepts::

    apiVersion: mrm-gate/trust/v1
    keys:
      - public_key: |            # PEM; or `sigstore: {identity, issuer}` for keyless
          -----BEGIN PUBLIC KEY-----
          ...
        valid_from: 2026-01-01T00:00:00Z
        valid_until: 2027-01-01T00:00:00Z
        revoked: false
    revoked_attestations: [sha256:...]   # payload digests withdrawn one by one

A bare PEM public key file is accepted too: one key, no validity window.
"""

from __future__ import annotations

import datetime as _dt
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gate.errors import EngineError, UsageError
from gate.fileio import load_document, read_text

TRUST_API = "mrm-gate/trust/v1"
_KEY_FIELDS = {"public_key", "sigstore", "valid_from", "valid_until", "revoked", "comment"}


class TrustError(UsageError):
    """A key or trust file cannot be used (exit 2)."""


def parse_time(text: Any, what: str) -> _dt.datetime:
    """An RFC 3339 time with a zone; raise TrustError otherwise (never guess a zone)."""
    if isinstance(text, _dt.datetime):
        when = text
    elif isinstance(text, str):
        try:
            when = _dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise TrustError(f"{what}: {text!r} is not an RFC 3339 time") from None
    else:
        raise TrustError(f"{what}: {text!r} is not an RFC 3339 time")
    if when.tzinfo is None:
        raise TrustError(f"{what}: {text!r} has no time zone", hint="end it with Z")
    return when


@dataclass(frozen=True)
class TrustedKey:
    """One accepted key: the securesystemslib key and its validity."""

    key: Any  # securesystemslib.signer.Key
    valid_from: _dt.datetime | None
    valid_until: _dt.datetime | None
    revoked: bool

    @property
    def keyid(self) -> str:
        return str(self.key.keyid)

    def problem_at(self, when: _dt.datetime, what: str) -> str:
        """Why this key cannot vouch for something at ``when`` ('' when it can)."""
        if self.revoked:
            return f"key {self.keyid[:16]} is REVOKED in the trust file"
        if self.valid_from is not None and when < self.valid_from:
            return f"key {self.keyid[:16]} is not valid yet at {what} {_iso(when)}"
        if self.valid_until is not None and when > self.valid_until:
            return (
                f"key {self.keyid[:16]} EXPIRED on {_iso(self.valid_until)}, before {what} "
                f"{_iso(when)}"
            )
        return ""


@dataclass(frozen=True)
class Trust:
    keys: tuple[TrustedKey, ...]
    revoked_attestations: frozenset[str] = field(default_factory=frozenset)
    source: str = ""

    def find(self, keyid: str) -> TrustedKey | None:
        return next((k for k in self.keys if k.keyid == keyid), None)


def _iso(when: _dt.datetime) -> str:
    return when.astimezone(_dt.UTC).isoformat().replace("+00:00", "Z")


def public_key_from_pem(pem: str, where: str) -> Any:
    from cryptography.hazmat.primitives.serialization import load_pem_public_key
    from securesystemslib.signer import SSlibKey

    try:
        return SSlibKey.from_crypto(load_pem_public_key(pem.encode("utf-8")))
    except (ValueError, TypeError) as exc:
        raise TrustError(f"{where}: not a usable PEM public key ({exc})") from None


def _sigstore_key(spec: Any, where: str) -> Any:
    if not isinstance(spec, dict) or not all(
        isinstance(spec.get(k), str) and spec[k] for k in ("identity", "issuer")
    ):
        raise TrustError(f"{where}.sigstore needs identity and issuer (strings)")
    from securesystemslib.signer import SigstoreSigner

    return SigstoreSigner.import_(spec["identity"], spec["issuer"])[1]


def _trusted_key(item: Any, where: str) -> TrustedKey:
    if not isinstance(item, dict) or set(item) - _KEY_FIELDS:
        raise TrustError(f"{where}: a key entry takes only {sorted(_KEY_FIELDS)}")
    if ("public_key" in item) == ("sigstore" in item):
        raise TrustError(f"{where}: give exactly one of public_key (PEM) or sigstore")
    if "public_key" in item:
        if not isinstance(item["public_key"], str):
            raise TrustError(f"{where}.public_key: not a PEM string")
        key = public_key_from_pem(item["public_key"], f"{where}.public_key")
    else:
        key = _sigstore_key(item["sigstore"], where)
    revoked = item.get("revoked", False)
    if not isinstance(revoked, bool):
        raise TrustError(f"{where}.revoked: not true or false")
    bounds = {
        k: parse_time(item[k], f"{where}.{k}") if item.get(k) is not None else None
        for k in ("valid_from", "valid_until")
    }
    return TrustedKey(key, bounds["valid_from"], bounds["valid_until"], revoked)


def load_trust(path: Path) -> Trust:
    """Read a trust file, or a bare PEM public key; raise TrustError when unusable."""
    text = read_text(path)
    if text.lstrip().startswith("-----BEGIN PUBLIC KEY-----"):
        key = public_key_from_pem(text, str(path))
        return Trust((TrustedKey(key, None, None, False),), source=str(path))
    doc = load_document(path)
    if not isinstance(doc, dict) or doc.get("apiVersion") != TRUST_API:
        raise TrustError(
            f"{path}: not a trust file (apiVersion {TRUST_API}) nor a PEM public key",
            hint="see docs/audit.md, 'Keys and trust'",
        )
    items = doc.get("keys")
    if not isinstance(items, list) or not items:
        raise TrustError(f"{path}: $.keys must list at least one key")
    keys = tuple(_trusted_key(item, f"{path}: $.keys[{i}]") for i, item in enumerate(items))
    revoked = doc.get("revoked_attestations", [])
    if not isinstance(revoked, list) or not all(isinstance(r, str) for r in revoked):
        raise TrustError(f"{path}: $.revoked_attestations must be a list of sha256 digests")
    return Trust(keys, frozenset(revoked), str(path))


def load_signer(path: Path) -> Any:
    """A securesystemslib signer for the PEM private key in ``path``."""
    from cryptography.hazmat.primitives.serialization import load_pem_private_key
    from securesystemslib.signer import CryptoSigner

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise TrustError(
            f"cannot read the signing key {path}: {exc.strerror}",
            hint="pass --sign-key PATH (or MRM_GATE_SIGNING_KEY) to a PKCS#8 PEM private key",
        ) from None
    try:
        return CryptoSigner(load_pem_private_key(data, password=None))
    except (ValueError, TypeError) as exc:
        raise TrustError(
            f"{path}: not an unencrypted PKCS#8 PEM private key of a supported type ({exc})",
            hint="create one with `mrm-gate keygen`",
        ) from None


GITHUB_OIDC_ISSUER = "https://token.actions.githubusercontent.com"


def keyless_signer(env: Mapping[str, str]) -> Any:
    """A Sigstore signer for the workflow's ambient OIDC identity; fail closed.

    The identity is the workflow file at its ref, as Fulcio writes it into the certificate
    (``https://github.com/OWNER/REPO/.github/workflows/F.yml@REF``); a verifier trusts it
    with a ``sigstore: {identity, issuer}`` entry in its trust file.
    """
    server = env.get("GITHUB_SERVER_URL", "https://github.com").rstrip("/")
    workflow_ref = env.get("GITHUB_WORKFLOW_REF", "")
    if not workflow_ref:
        raise EngineError(
            "keyless signing needs the OIDC identity of a GitHub Actions job "
            "(GITHUB_WORKFLOW_REF is not set); nothing was signed",
            hint="run in GitHub Actions with `permissions: id-token: write`, or sign with "
            "--sign-key",
        )
    try:
        from securesystemslib.signer import SigstoreSigner

        uri, key = SigstoreSigner.import_(f"{server}/{workflow_ref}", GITHUB_OIDC_ISSUER)
        return SigstoreSigner.from_priv_key_uri(uri, key)
    except Exception as exc:  # noqa: BLE001 - any failure of the remote path fails closed
        raise keyless_failure(exc) from None


def keyless_failure(exc: BaseException) -> EngineError:
    """The error for a keyless (Sigstore) step that could not be carried out."""
    return EngineError(
        f"keyless signing or verification with Sigstore is not possible here "
        f"({type(exc).__name__}: {exc}); nothing was signed or accepted",
        hint="install the sigstore extra (pip install 'mrm-gate[sigstore]'), run in GitHub "
        "Actions with `id-token: write` and access to Fulcio and Rekor; or sign with "
        "--sign-key",
    )


def generate_key_pair(directory: Path) -> tuple[Path, Path]:
    """Write a new ed25519 key pair: ``signing-key.pem`` (0600) and ``public-key.pem``."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    private = Ed25519PrivateKey.generate()
    directory.mkdir(parents=True, exist_ok=True)
    secret, public = directory / "signing-key.pem", directory / "public-key.pem"
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    fd = os.open(secret, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # never world-readable
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
    public.write_bytes(
        private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    return secret, public
