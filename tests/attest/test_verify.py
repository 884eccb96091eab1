"""Decision attestations: signed, verified, and every tampering refused.

Decisions come from the real OPA on the shipped bundles; `mrm-gate verify` runs as a real
process. Keys are made per test; trust files are written here, by hand.
"""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from attest_support import KeyFiles, make_key, payload_of, with_payload
from audit_support import approvals_for, make_pair, run_cli
from securesystemslib.dsse import Envelope

from conftest import NOW, asset, load_asset
from gate.attest.envelope import IN_TOTO_PAYLOAD, sign
from gate.attest.keys import load_signer
from gate.attest.statement import build_statement
from gate.audit.record import CanonicalInput
from gate.engine.toolchain import OpaBinary
from gate.evidence import load_bundle
from gate.fileio import canonical_json
from gate.policy import PolicySource

Pair = tuple[dict[str, Any], CanonicalInput]
BUNDLE = "credit-complete.json"
ARTIFACT = load_asset("bundles", BUNDLE)["artifact"]["digest"]
OTHER_ARTIFACT = "sha256:" + hashlib.sha256(b"another model").hexdigest()
LATER = "2026-12-01T09:00:00Z"  # the deploy's verification time, after NOW


@pytest.fixture(scope="module")
def pairs(opa: OpaBinary, policies: PolicySource) -> dict[str, Pair]:
    return {
        "production": make_pair(opa, policies, BUNDLE, "production"),
        "denied": make_pair(opa, policies, BUNDLE, "production", approve=False),
        "merge": make_pair(opa, policies, BUNDLE, "merge"),
    }


@pytest.fixture
def key(tmp_path: Path) -> KeyFiles:
    return make_key(tmp_path / "key")


def _attest(pair: Pair, key: KeyFiles, path: Path) -> dict[str, Any]:
    record, policy_input = pair
    statement = build_statement(record, policy_input.value, {"index": 0, "hash": "0" * 64})
    envelope = sign(canonical_json(statement), IN_TOTO_PAYLOAD, load_signer(key.private))
    path.write_text(json.dumps(envelope), "utf-8")
    return envelope


def _verify(attestation: Path, trust: Path, *, stage: str = "production", **kw: str) -> Any:
    target = ["--artifact", kw["artifact"]] if "artifact" in kw else ["--digest", ARTIFACT]
    return run_cli(
        "verify", *target, "--attestation", str(attestation), "--key", str(trust),
        "--stage", stage, "--now", kw.get("now", LATER),
    )  # fmt: skip


@pytest.fixture
def signed(tmp_path: Path, key: KeyFiles, pairs: dict[str, Pair]) -> tuple[Path, Path]:
    """A production attestation (allowed, with approvals) and a trust file for its key."""
    path = tmp_path / "production.intoto.json"
    _attest(pairs["production"], key, path)
    return path, key.trust(tmp_path / "trust.json")


def _subject(digest: str) -> dict[str, Any]:
    return {
        "name": "x",
        "digest": {"sha256": digest[7:]},
        "annotations": {"role": "model-artifact"},
    }


def _rewrite(path: Path, change: Any) -> None:
    envelope = json.loads(path.read_text())
    statement = payload_of(envelope)
    change(statement)
    path.write_text(json.dumps(with_payload(envelope, statement)))


def test_allowed_production_decision_verifies_with_stage_revision_and_approvers(
    signed: tuple[Path, Path], policies: PolicySource
) -> None:
    attestation, trust = signed
    out = _verify(attestation, trust)
    assert out.returncode == 0, out.stderr
    assert "ALLOWED at production" in out.stdout
    assert ARTIFACT in out.stdout
    assert f"policy revision {policies.revision()}" in out.stdout
    bundle = load_bundle(asset("bundles", BUNDLE))
    statement = payload_of(json.loads(attestation.read_text()))
    required = statement["predicate"]["mrmGate"]["approvals"]
    expected = approvals_for(bundle, [{"role": a["role"], "count": 1} for a in required])
    assert required, "production needs approvals"
    for approval in expected:
        assert f"{approval['role']}: {approval['login']} (review, {NOW}" in out.stdout


def test_statement_has_the_in_toto_and_vsa_shape(signed: tuple[Path, Path]) -> None:
    envelope = json.loads(signed[0].read_text())
    assert envelope["payloadType"] == "application/vnd.in-toto+json"
    statement = payload_of(envelope)
    assert statement["_type"] == "https://in-toto.io/Statement/v1"
    assert statement["predicateType"] == "https://slsa.dev/verification_summary/v1"
    digests = [s["digest"]["sha256"] for s in statement["subject"]]
    assert digests[0] == ARTIFACT.removeprefix("sha256:")
    predicate = statement["predicate"]
    assert predicate["verificationResult"] == "PASSED"
    assert predicate["verifiedLevels"] == ["MRM_GATE_PRODUCTION"]
    assert predicate["timeVerified"] == NOW
    assert {"id", "version"} <= set(predicate["verifier"])
    approvals = predicate["mrmGate"]["approvals"]
    assert all(a["bundle_digest"] == "sha256:" + digests[1] for a in approvals)


def test_denied_decision_is_attested_as_failed_and_verify_says_denied(
    tmp_path: Path, key: KeyFiles, pairs: dict[str, Pair]
) -> None:
    path = tmp_path / "denied.json"
    envelope = _attest(pairs["denied"], key, path)
    assert payload_of(envelope)["predicate"]["verificationResult"] == "FAILED"
    out = _verify(path, key.trust(tmp_path / "trust.json"))
    assert out.returncode == 1 and "DENIED" in out.stderr and "ALLOWED" not in out.stdout


def test_denied_attestation_edited_to_allowed_is_refused(
    tmp_path: Path, key: KeyFiles, pairs: dict[str, Pair]
) -> None:
    path = tmp_path / "denied.json"
    _attest(pairs["denied"], key, path)

    def allow(statement: dict[str, Any]) -> None:
        predicate = statement["predicate"]
        predicate["mrmGate"]["allow"] = True
        predicate["verificationResult"] = "PASSED"
        predicate["verifiedLevels"] = ["MRM_GATE_PRODUCTION"]

    _rewrite(path, allow)
    out = _verify(path, key.trust(tmp_path / "trust.json"))
    assert out.returncode == 2 and "altered" in out.stderr and "ALLOWED" not in out.stdout


@pytest.mark.parametrize(
    ("what", "change"),
    [
        ("stage", lambda s: s["predicate"]["mrmGate"].update(stage="staging")),
        ("approvals", lambda s: s["predicate"]["mrmGate"]["approvals"].clear()),
        ("revision", lambda s: s["predicate"]["mrmGate"].update(policy_revision=OTHER_ARTIFACT)),
        ("subject", lambda s: s["subject"][0]["digest"].update(sha256=OTHER_ARTIFACT[7:])),
        ("subject added", lambda s: s["subject"].append(_subject(OTHER_ARTIFACT))),
    ],
)  # fmt: skip
def test_edited_statement_is_refused(signed: tuple[Path, Path], what: str, change: Any) -> None:
    attestation, trust = signed
    _rewrite(attestation, change)
    out = _verify(attestation, trust)
    assert out.returncode == 2, (what, out.stdout, out.stderr)
    assert "does not match: the envelope was altered" in out.stderr
    assert "ALLOWED" not in out.stdout


def test_swapped_subject_cannot_allow_another_artefact(
    signed: tuple[Path, Path], tmp_path: Path
) -> None:
    attestation, trust = signed
    _rewrite(attestation, lambda s: s["subject"][0]["digest"].update(sha256=OTHER_ARTIFACT[7:]))
    other = tmp_path / "other.bin"
    other.write_bytes(b"another model")
    out = _verify(attestation, trust, artifact=str(other))
    assert out.returncode == 2 and "altered" in out.stderr


def test_genuine_attestation_for_another_artefact_is_refused(
    signed: tuple[Path, Path], tmp_path: Path
) -> None:
    attestation, trust = signed
    other = tmp_path / "model.bin"
    other.write_bytes(b"another model")
    out = _verify(attestation, trust, artifact=str(other))
    assert out.returncode == 1
    assert "not about this artefact" in out.stderr and OTHER_ARTIFACT in out.stderr


def test_attestation_for_one_stage_is_refused_at_another(
    tmp_path: Path, key: KeyFiles, pairs: dict[str, Pair]
) -> None:
    merge = tmp_path / "merge.json"
    _attest(pairs["merge"], key, merge)
    trust = key.trust(tmp_path / "trust.json")
    assert _verify(merge, trust, stage="merge").returncode == 0
    out = _verify(merge, trust, stage="production")
    assert out.returncode == 1 and "attests stage merge, not production" in out.stderr


def test_wrong_key_is_untrusted(signed: tuple[Path, Path], tmp_path: Path) -> None:
    attestation, _ = signed
    stranger = make_key(tmp_path / "stranger").trust(tmp_path / "stranger.json")
    out = _verify(attestation, stranger)
    assert out.returncode == 2 and "UNTRUSTED" in out.stderr


def test_attestation_signed_by_another_key_under_the_trusted_keyid_is_refused(
    signed: tuple[Path, Path], tmp_path: Path
) -> None:
    attestation, trust = signed
    envelope = json.loads(attestation.read_text())
    forged = json.loads(attestation.read_text())
    other_key = make_key(tmp_path / "other")
    other = Envelope(base64.b64decode(envelope["payload"]), envelope["payloadType"], {})
    signature = load_signer(other_key.private).sign(other.pae())
    sig = base64.b64encode(bytes.fromhex(signature.signature)).decode()
    forged["signatures"] = [{"keyid": envelope["signatures"][0]["keyid"], "sig": sig}]
    attestation.write_text(json.dumps(forged))
    out = _verify(attestation, trust)
    assert out.returncode == 2 and "does not match" in out.stderr


@pytest.mark.parametrize(
    ("window", "message"),
    [
        ({"valid_until": "2026-06-30T00:00:00Z"}, "EXPIRED on 2026-06-30T00:00:00Z, before the"
                                                  " decision time"),
        ({"valid_until": "2026-12-01T00:00:00Z"}, "EXPIRED on 2026-12-01T00:00:00Z, before the"
                                                  " verification time"),
        ({"valid_from": "2026-12-01T00:00:00Z"}, "not valid yet at the decision time"),
        ({"revoked": True}, "REVOKED in the trust file"),
    ],
)  # fmt: skip
def test_expired_not_yet_valid_or_revoked_key_is_refused(
    signed: tuple[Path, Path], key: KeyFiles, tmp_path: Path, window: Any, message: str
) -> None:
    attestation, _ = signed
    trust = key.trust(tmp_path / "window.json", **window)
    out = _verify(attestation, trust)
    assert out.returncode == 2 and message in out.stderr, out.stderr


def test_withdrawn_attestation_is_refused(
    signed: tuple[Path, Path], key: KeyFiles, tmp_path: Path
) -> None:
    attestation, _ = signed
    payload = base64.b64decode(json.loads(attestation.read_text())["payload"])
    digest = "sha256:" + hashlib.sha256(payload).hexdigest()
    trust = key.trust(tmp_path / "withdrawn.json", revoked_attestations=(digest,))
    out = _verify(attestation, trust)
    assert out.returncode == 2 and f"REVOKED: attestation {digest}" in out.stderr


@pytest.mark.parametrize("cut", ["file", "payload", "signature", "signatures"])
def test_truncated_or_unsigned_envelope_is_refused(signed: tuple[Path, Path], cut: str) -> None:
    attestation, trust = signed
    text = attestation.read_text()
    envelope = json.loads(text)
    if cut == "file":
        attestation.write_text(text[: len(text) // 2])
    else:
        if cut == "payload":
            envelope["payload"] = envelope["payload"][:-40]
        elif cut == "signature":
            envelope["signatures"][0]["sig"] = envelope["signatures"][0]["sig"][:-8]
        else:
            envelope["signatures"] = []
        attestation.write_text(json.dumps(envelope))
    out = _verify(attestation, trust)
    assert out.returncode == 2, (cut, out.stderr)
    assert "Traceback" not in out.stderr and "ALLOWED" not in out.stdout
    if cut == "signatures":
        assert "UNSIGNED" in out.stderr


def test_bare_public_key_is_a_trust_without_window(
    signed: tuple[Path, Path], key: KeyFiles
) -> None:
    attestation, _ = signed
    out = _verify(attestation, key.public)
    assert out.returncode == 0 and "ALLOWED at production" in out.stdout


def test_keyless_trust_entry_fails_closed_without_sigstore(
    signed: tuple[Path, Path], tmp_path: Path
) -> None:
    """A signature under a Sigstore identity cannot be checked here: exit 3, never 0."""
    attestation, _ = signed
    from securesystemslib.signer import SigstoreSigner

    identity = "https://github.com/acme/credit/.github/workflows/gate.yml@refs/heads/main"
    issuer = "https://token.actions.githubusercontent.com"
    _, sigstore_key = SigstoreSigner.import_(identity, issuer)
    envelope = json.loads(attestation.read_text())
    envelope["signatures"][0]["keyid"] = sigstore_key.keyid
    attestation.write_text(json.dumps(envelope))
    trust = tmp_path / "keyless.yml"
    trust.write_text(
        "apiVersion: mrm-gate/trust/v1\n"
        f"keys:\n  - sigstore: {{identity: '{identity}', issuer: '{issuer}'}}\n"
    )
    out = _verify(attestation, trust)
    assert out.returncode == 3, out.stderr
    assert "Sigstore" in out.stderr and "ALLOWED" not in out.stdout


@pytest.mark.parametrize(
    "doc",
    [
        {"apiVersion": "mrm-gate/trust/v1", "keys": []},
        {"apiVersion": "mrm-gate/trust/v1", "keys": [{"public_key": "not a key"}]},
        {"apiVersion": "mrm-gate/trust/v1", "keys": [{"sigstore": {"identity": "x"}}]},
        {"keys": []},
    ],
)
def test_unusable_trust_file_is_a_usage_error(
    signed: tuple[Path, Path], tmp_path: Path, doc: Any, key: KeyFiles
) -> None:
    attestation, _ = signed
    trust = tmp_path / "bad-trust.json"
    trust.write_text(json.dumps(doc))
    out = _verify(attestation, trust)
    assert out.returncode == 2 and "Traceback" not in out.stderr


def test_record_writes_a_signed_attestation_that_verifies(tmp_path: Path, key: KeyFiles) -> None:
    ledger, attestation = tmp_path / "ledger.jsonl", tmp_path / "merge.intoto.json"
    out = run_cli(
        "record", "--bundle", str(asset("bundles", BUNDLE)), "--stage", "merge", "--now", NOW,
        "--ledger", str(ledger), "--sign-key", str(key.private),
        "--attestation", str(attestation),
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    statement = payload_of(json.loads(attestation.read_text()))
    entry = json.loads(ledger.read_text().splitlines()[0])
    assert statement["predicate"]["mrmGate"]["ledger_entry"] == {
        "index": 0,
        "hash": entry["hash"],
    }
    verified = _verify(attestation, key.trust(tmp_path / "trust.json"), stage="merge")
    assert verified.returncode == 0 and "ALLOWED at merge" in verified.stdout


def test_attestation_without_a_signer_is_refused_before_anything_is_recorded(
    tmp_path: Path,
) -> None:
    ledger = tmp_path / "ledger.jsonl"
    out = run_cli(
        "record", "--bundle", str(asset("bundles", BUNDLE)), "--stage", "merge", "--now", NOW,
        "--ledger", str(ledger), "--attestation", str(tmp_path / "a.json"),
    )  # fmt: skip
    assert out.returncode == 2 and "needs a signer" in out.stderr
    assert not ledger.exists()


@pytest.mark.parametrize(
    "workflow_ref", [None, "acme/credit/.github/workflows/gate.yml@refs/heads/main"]
)
def test_keyless_signing_fails_closed_and_records_nothing(
    tmp_path: Path, workflow_ref: str | None
) -> None:
    ledger = tmp_path / "ledger.jsonl"
    env = {"GITHUB_WORKFLOW_REF": workflow_ref} if workflow_ref else {}
    out = run_cli(
        "record", "--bundle", str(asset("bundles", BUNDLE)), "--stage", "merge", "--now", NOW,
        "--ledger", str(ledger), "--keyless", "--attestation", str(tmp_path / "a.json"),
        env=env,
    )  # fmt: skip
    assert out.returncode == 3, out.stderr
    assert "keyless signing" in out.stderr and "nothing was signed" in out.stderr
    assert not ledger.exists() and not (tmp_path / "a.json").exists()
