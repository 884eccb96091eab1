"""The signed ledger: a consistent rewrite, another key, a removed tail are all found.

This is the review's attack (issue 15, row 15): the ledger and its head rewritten
consistently, with a record made against a fake GitHub. Without a key the chain cannot
tell; with `ledger verify --key` and `replay --key` it is refused.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from audit_support import make_pair, read_lines, run_cli

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "attest"))
from attest_support import KeyFiles, make_key  # noqa: E402

from gate.attest.keys import load_signer  # noqa: E402
from gate.audit.ledger import (  # noqa: E402
    Ledger,
    LedgerError,
    entry_hash,
    head_path,
    signatures_path,
)
from gate.audit.record import CanonicalInput  # noqa: E402
from gate.engine.toolchain import OpaBinary  # noqa: E402
from gate.fileio import canonical_json  # noqa: E402
from gate.policy import PolicySource  # noqa: E402

Pair = tuple[dict[str, Any], CanonicalInput]


@pytest.fixture(scope="module")
def records(opa: OpaBinary, policies: PolicySource) -> list[Pair]:
    return [
        make_pair(opa, policies, "credit-complete.json", "merge"),
        make_pair(opa, policies, "credit-complete.json", "production", approve=False),
        make_pair(opa, policies, "clinical-complete.json", "merge"),
    ]


@pytest.fixture(scope="module")
def forged(opa: OpaBinary, policies: PolicySource) -> Pair:
    """Production allowed on approvals no real GitHub gave (the attacker's own record)."""
    return make_pair(opa, policies, "credit-complete.json", "production")


@pytest.fixture
def key(tmp_path: Path) -> KeyFiles:
    return make_key(tmp_path / "key")


@pytest.fixture
def signed(tmp_path: Path, key: KeyFiles, records: list[Pair]) -> Ledger:
    book = Ledger(tmp_path / "ledger.jsonl", load_signer(key.private))
    for rec, policy_input in records:
        book.append(rec, policy_input)
    return book


def _verify(book: Ledger, trust: Path) -> Any:
    return run_cli("ledger", "verify", "--ledger", str(book.path), "--key", str(trust))


def _rewrite_from(book: Ledger, index: int, pair: Pair) -> None:
    """Replace record ``index`` and re-chain everything after it, head included: a
    rewrite that is consistent in every hash (what the review did)."""
    rec, policy_input = pair
    book.inputs.put(policy_input)
    lines = read_lines(book.path)
    out, prev = [], json.loads(lines[index])["prev_hash"]
    for position, line in enumerate(lines):
        raw = json.loads(line)
        if position < index:
            out.append(line)
            continue
        if position == index:
            raw["record"] = rec
        raw["prev_hash"] = prev
        raw["hash"] = prev = entry_hash(raw["index"], prev, raw["record"])
        out.append(canonical_json(raw) + b"\n")
    book.path.write_bytes(b"".join(out))
    head_path(book.path).write_text(json.dumps({"count": len(out), "hash": prev}) + "\n")


def test_signed_ledger_verifies_with_its_key(signed: Ledger, key: KeyFiles, tmp_path: Path) -> None:
    out = _verify(signed, key.trust(tmp_path / "trust.json"))
    assert out.returncode == 0, out.stderr
    assert "every record and the head are signed" in out.stdout
    assert len(signatures_path(signed.path).read_text().splitlines()) == 3
    assert _verify(signed, key.public).returncode == 0  # a bare public key works too


def test_consistent_rewrite_with_a_fake_github_record_is_detected(
    signed: Ledger, key: KeyFiles, forged: Pair, tmp_path: Path
) -> None:
    _rewrite_from(signed, 1, forged)
    unsigned_check = run_cli("ledger", "verify", "--ledger", str(signed.path))
    assert unsigned_check.returncode == 0  # the chain alone cannot tell: the review's finding
    trust = key.trust(tmp_path / "trust.json")
    out = _verify(signed, trust)
    assert out.returncode == 1
    assert "first bad record 1" in out.stderr
    assert "record 1: the record's signature is valid but for another record" in out.stderr
    assert "head file ledger.jsonl.head is NOT SIGNED" in out.stderr
    replay = run_cli("replay", "--ledger", str(signed.path), "--index", "1", "--key", str(trust))
    assert replay.returncode == 1 and "is not used (not replayed" in replay.stderr
    assert "reproduced" not in replay.stdout


def test_record_signed_with_another_key_is_detected(
    signed: Ledger, key: KeyFiles, forged: Pair, tmp_path: Path
) -> None:
    intruder = make_key(tmp_path / "intruder")
    Ledger(signed.path, load_signer(intruder.private)).append(*forged)
    out = _verify(signed, key.trust(tmp_path / "trust.json"))
    assert out.returncode == 1 and "first bad record 3" in out.stderr
    assert "record 3: the record's signature: refused: UNTRUSTED" in out.stderr
    assert "the head's signature: refused: UNTRUSTED" in out.stderr


@pytest.mark.parametrize("also", ["nothing", "signatures", "signatures and head"])
def test_removed_tail_is_detected(signed: Ledger, key: KeyFiles, tmp_path: Path, also: str) -> None:
    lines = read_lines(signed.path)
    signed.path.write_bytes(b"".join(lines[:2]))
    if also != "nothing":
        sigs = read_lines(signatures_path(signed.path))
        signatures_path(signed.path).write_bytes(b"".join(sigs[:2]))
    if also == "signatures and head":
        last = json.loads(lines[1])["hash"]
        head_path(signed.path).write_text(json.dumps({"count": 2, "hash": last}))
    out = _verify(signed, key.trust(tmp_path / "trust.json"))
    assert out.returncode == 1, out.stdout
    expected = {
        "nothing": "signatures exist for records 2..2, which are no longer in the ledger",
        "signatures": "the head's signature is valid but for another head",
        "signatures and head": "head file ledger.jsonl.head is NOT SIGNED",
    }[also]
    assert expected in out.stderr


def test_entry_signature_presented_as_the_head_is_refused(
    signed: Ledger, key: KeyFiles, tmp_path: Path
) -> None:
    """Each entry's signature names its hash, like a head; the payload type keeps them
    apart, so a tail cut back to record 1 cannot borrow record 1's signature as its head."""
    lines = read_lines(signed.path)
    signed.path.write_bytes(b"".join(lines[:2]))
    sigs = read_lines(signatures_path(signed.path))
    signatures_path(signed.path).write_bytes(b"".join(sigs[:2]))
    last = json.loads(lines[1])["hash"]
    borrowed = json.loads(sigs[1])["envelope"]
    head_path(signed.path).write_text(json.dumps({"count": 2, "hash": last, "signature": borrowed}))
    out = _verify(signed, key.trust(tmp_path / "trust.json"))
    assert out.returncode == 1
    assert "payload type 'application/vnd.mrm-gate.ledger-entry+json'" in out.stderr


def test_signatures_of_an_expired_or_revoked_key_are_refused(
    signed: Ledger, key: KeyFiles, tmp_path: Path
) -> None:
    expired = key.trust(tmp_path / "expired.json", valid_until="2026-06-30T00:00:00Z")
    out = _verify(signed, expired)
    assert out.returncode == 1 and "EXPIRED on 2026-06-30T00:00:00Z" in out.stderr
    revoked = key.trust(tmp_path / "revoked.json", revoked=True)
    out = _verify(signed, revoked)
    assert out.returncode == 1 and "REVOKED" in out.stderr


def test_unsigned_append_to_a_signed_ledger_is_refused(signed: Ledger, records: list[Pair]) -> None:
    before = signed.path.read_bytes()
    with pytest.raises(LedgerError, match="is signed; nothing was appended unsigned"):
        Ledger(signed.path).append(*records[0])
    assert signed.path.read_bytes() == before


def test_unsigned_ledger_fails_verify_with_a_key(
    tmp_path: Path, key: KeyFiles, records: list[Pair]
) -> None:
    book = Ledger(tmp_path / "plain.jsonl")
    book.append(*records[0])
    out = _verify(book, key.trust(tmp_path / "trust.json"))
    assert out.returncode == 1
    assert "record 0: NOT SIGNED" in out.stderr and "NOT SIGNED (rewritten" in out.stderr


def test_replay_of_a_signed_record_needs_no_github(
    tmp_path: Path, key: KeyFiles, forged: Pair
) -> None:
    """The stored input carries the approvals as collected: replay runs offline."""
    book = Ledger(tmp_path / "ledger.jsonl", load_signer(key.private))
    book.append(*forged)
    stored = book.inputs.load(forged[1].digest).value
    assert stored["approvals"] and stored["approvals"] == forged[1].value["approvals"]
    trust = key.trust(tmp_path / "trust.json")
    out = run_cli(
        "replay", "--ledger", str(book.path), "--index", "0", "--key", str(trust),
        env={"GITHUB_API_URL": "http://127.0.0.1:9"},
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert "replay: reproduced" in out.stdout


def test_attest_writes_the_attestation_of_a_signed_record_only(
    signed: Ledger, key: KeyFiles, forged: Pair, tmp_path: Path
) -> None:
    trust = key.trust(tmp_path / "trust.json")
    output = tmp_path / "record0.intoto.json"
    out = run_cli(
        "attest", "--ledger", str(signed.path), "--index", "0", "--key", str(trust),
        "--sign-key", str(key.private), "--output", str(output),
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    digest = records_artifact(signed)
    verified = run_cli(
        "verify", "--digest", digest, "--attestation", str(output), "--key", str(trust),
        "--stage", "merge", "--now", "2026-12-01T00:00:00Z",
    )  # fmt: skip
    assert verified.returncode == 0 and "ALLOWED at merge" in verified.stdout
    _rewrite_from(signed, 1, forged)
    refused = run_cli(
        "attest", "--ledger", str(signed.path), "--index", "1", "--key", str(trust),
        "--sign-key", str(key.private), "--output", str(tmp_path / "forged.json"),
    )  # fmt: skip
    assert refused.returncode == 1 and not (tmp_path / "forged.json").exists()


def records_artifact(book: Ledger) -> str:
    """The artefact digest of record 0, as the shipped bundle asset states it."""
    from conftest import load_asset

    value = load_asset("bundles", "credit-complete.json")["artifact"]["digest"]
    assert isinstance(value, str)
    return value
