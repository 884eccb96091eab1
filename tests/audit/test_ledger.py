"""The hash-chained ledger: appends, concurrency, and every kind of tampering."""

from __future__ import annotations

import copy
import json
import multiprocessing
from pathlib import Path
from typing import Any

import pytest
from audit_support import entry, make_pair, read_lines, run_cli

from gate.audit.ledger import (
    GENESIS,
    Anchor,
    Ledger,
    LedgerError,
    entry_hash,
    head_path,
    inputs_path,
)
from gate.audit.record import CanonicalInput, record_problems, sha256_of
from gate.engine.toolchain import OpaBinary
from gate.errors import UsageError
from gate.fileio import canonical_json
from gate.policy import PolicySource

Pair = tuple[dict[str, Any], CanonicalInput]


@pytest.fixture(scope="module")
def records(opa: OpaBinary, policies: PolicySource) -> list[Pair]:
    return [
        make_pair(opa, policies, "credit-complete.json", "merge"),
        make_pair(opa, policies, "credit-complete.json", "production", approve=False),
        make_pair(opa, policies, "credit-complete.json", "production"),
        make_pair(opa, policies, "clinical-complete.json", "merge"),
    ]


@pytest.fixture
def ledger(tmp_path: Path, records: list[Pair]) -> Ledger:
    book = Ledger(tmp_path / "ledger.jsonl")
    for rec, policy_input in records + records[:1]:
        book.append(rec, policy_input)
    return book


def _stored(book: Ledger) -> list[Path]:
    return sorted(inputs_path(book.path).iterdir())


def _write(path: Path, lines: list[bytes]) -> None:
    path.write_bytes(b"".join(lines))


def _rehash(raw: dict[str, Any]) -> bytes:
    raw["hash"] = entry_hash(raw["index"], raw["prev_hash"], raw["record"])
    return canonical_json(raw) + b"\n"


def _problems(book: Ledger, *anchors: Anchor) -> list[tuple[int, str]]:
    result = book.verify(anchors)
    assert not result.ok
    return result.problems


def test_clean_ledger_verifies_and_links_every_record(ledger: Ledger) -> None:
    result = ledger.verify()
    assert result.ok and result.problems == []
    assert result.count == 5
    entries = list(ledger.entries())
    assert [e.index for e in entries] == [0, 1, 2, 3, 4]
    assert entries[0].prev_hash == GENESIS
    assert all(b.prev_hash == a.hash for a, b in zip(entries, entries[1:], strict=False))
    assert json.loads(head_path(ledger.path).read_text()) == {
        "count": 5,
        "hash": entries[-1].hash,
    }
    assert result.head_hash == entries[-1].hash
    assert result.inputs == 4  # record 4 repeats record 0's input


def test_identical_inputs_are_stored_once(
    tmp_path: Path, records: list[Pair], ledger: Ledger
) -> None:
    files = _stored(ledger)
    digests = {pair[1].digest for pair in records}
    assert {f"sha256:{f.stem}" for f in files} == digests and len(files) == 4
    for _, policy_input in records:
        stored = inputs_path(ledger.path) / f"{policy_input.digest[7:]}.json"
        assert stored.read_bytes() == policy_input.data  # canonical JSON, hashing to its name
    lines = read_lines(ledger.path)
    assert all(b'"input":' not in line for line in lines)  # records name inputs, never embed
    assert entry(lines[4])["record"]["input_digest"] == records[0][1].digest
    before = {f: f.stat().st_mtime_ns for f in files}
    ledger.append(*records[0])
    assert {f: f.stat().st_mtime_ns for f in _stored(ledger)} == before
    assert ledger.verify().ok and ledger.verify().count == 6


def test_missing_stored_input_is_found_at_each_record_naming_it(
    ledger: Ledger, records: list[Pair]
) -> None:
    (inputs_path(ledger.path) / f"{records[0][1].digest[7:]}.json").unlink()
    problems = _problems(ledger)
    assert [i for i, _ in problems] == [0, 4]
    assert all("stored input" in p and "is missing" in p for _, p in problems)
    out = run_cli("ledger", "verify", "--ledger", str(ledger.path))
    assert out.returncode == 1 and "first bad record 0" in out.stderr
    assert "record 4: its stored input" in out.stderr
    replay = run_cli("replay", "--ledger", str(ledger.path), "--index", "4")
    assert replay.returncode == 2 and "record 4: its stored input" in replay.stderr
    show = run_cli("ledger", "show", "--ledger", str(ledger.path), "--model", "credit-pd-retail")
    assert show.returncode == 2 and "is missing" in show.stderr


def test_altered_stored_input_is_found(ledger: Ledger, records: list[Pair]) -> None:
    path = inputs_path(ledger.path) / f"{records[1][1].digest[7:]}.json"
    altered = json.loads(path.read_bytes())
    altered["approvals"] = [{"role": "validator", "login": "mallory"}]
    path.write_bytes(canonical_json(altered))
    assert _problems(ledger) == [
        (1, f"its stored input {path} does not hash to its digest (altered)")
    ]
    path.write_bytes(b"{cut off")
    assert _problems(ledger) == [(1, f"its stored input {path} is not a JSON object (altered)")]
    # Appending the same input again restores the true content its digest names.
    ledger.append(*records[1])
    assert path.read_bytes() == records[1][1].data
    assert ledger.verify().ok


def test_forged_allow_contradicting_the_approvals_is_inconsistent(ledger: Ledger) -> None:
    # The verdict flipped in the record and its decision alike, then re-hashed, and every
    # later link and the head file rewritten: the decision still lists unmet approvals.
    lines = read_lines(ledger.path)
    raw = entry(lines[1])
    raw["record"]["allow"] = raw["record"]["decision"]["allow"] = True
    prev = entry(lines[0])["hash"]
    for i in range(1, len(lines)):
        raw = raw if i == 1 else entry(lines[i])
        raw["prev_hash"] = prev
        lines[i] = _rehash(raw)
        prev = raw["hash"]
    _write(ledger.path, lines)
    head_path(ledger.path).write_text(json.dumps({"count": len(lines), "hash": prev}))
    problems = _problems(ledger)
    assert [i for i, _ in problems] == [1]
    assert "the verdict is allow, yet the decision lists" in problems[0][1]
    assert "unmet approvals ['executive'" in problems[0][1]


def test_rehashed_record_of_the_wrong_shape_is_reported(ledger: Ledger) -> None:
    # Records are not schema-validated again on verify; a malformed one still shows.
    lines = read_lines(ledger.path)
    last = entry(lines[-1])
    for index, record in ((5, {"decision": {}}), (6, {"input_digest": "sha256:../x"})):
        lines.append(_rehash({"index": index, "prev_hash": last["hash"], "record": record}))
        last = entry(lines[-1])
    _write(ledger.path, lines)
    head_path(ledger.path).write_text(json.dumps({"count": 7, "hash": last["hash"]}))
    problems = _problems(ledger)
    assert [i for i, _ in problems] == [5, 6]
    assert "is not sha256:<64 hex digits>" in problems[0][1] + problems[1][1]


def test_edited_record_is_found_at_its_index(ledger: Ledger) -> None:
    lines = read_lines(ledger.path)
    assert lines[1].count(b'"allow":false') == 2  # the record's verdict and its decision's
    lines[1] = lines[1].replace(b'"allow":false', b'"allow":true')
    _write(ledger.path, lines)
    problems = _problems(ledger)
    assert problems == [(1, "content edited: it no longer matches its hash")]


def test_edited_and_rehashed_record_breaks_the_chain_after_it(ledger: Ledger) -> None:
    # A forger recomputes the edited record's hash; the next record still names the old one.
    lines = read_lines(ledger.path)
    raw = entry(lines[1])
    raw["record"]["recorded_at"] = "2026-12-01T00:00:00Z"
    lines[1] = _rehash(raw)
    _write(ledger.path, lines)
    problems = _problems(ledger)
    assert [i for i, _ in problems] == [2]
    assert "chain broken" in problems[0][1]


def test_forged_consistent_verdict_is_caught_as_inconsistent(ledger: Ledger) -> None:
    # Flipping the verdict in the record but not in its decision leaves a contradiction.
    lines = read_lines(ledger.path)
    raw = entry(lines[1])
    raw["record"]["allow"] = True
    lines[1] = _rehash(raw)
    _write(ledger.path, lines)
    problems = _problems(ledger)
    assert any(i == 1 and "inconsistent" in p for i, p in problems)


def test_deleted_record_is_found(ledger: Ledger) -> None:
    lines = read_lines(ledger.path)
    del lines[2]
    _write(ledger.path, lines)
    problems = _problems(ledger)
    assert problems[0][0] == 2
    assert any("deleted, inserted or reordered" in p for _, p in problems)


def test_reordered_records_are_found(ledger: Ledger) -> None:
    lines = read_lines(ledger.path)
    lines[1], lines[3] = lines[3], lines[1]
    _write(ledger.path, lines)
    problems = _problems(ledger)
    assert problems[0][0] == 1
    assert {i for i, _ in problems} >= {1, 3}


def test_inserted_record_is_found(ledger: Ledger, records: list[Pair]) -> None:
    # The inserted entry is well formed and links to its predecessor; its successor does not.
    lines = read_lines(ledger.path)
    prev = entry(lines[1])["hash"]
    forged = {"index": 2, "prev_hash": prev, "record": records[2][0]}
    lines.insert(2, _rehash(forged))
    _write(ledger.path, lines)
    problems = _problems(ledger)
    assert problems[0][0] == 3
    assert any("chain broken" in p for i, p in problems if i == 3)


def test_records_cut_from_the_end_are_found_by_the_head_file(ledger: Ledger) -> None:
    lines = read_lines(ledger.path)
    _write(ledger.path, lines[:3])
    problems = _problems(ledger)
    assert problems == [
        (3, "the head file says 5 records but the ledger holds 3: records were cut from the end")
    ]


def test_half_written_last_line_is_found(ledger: Ledger) -> None:
    data = ledger.path.read_bytes()
    ledger.path.write_bytes(data[: len(data) - 200])
    problems = _problems(ledger)
    assert problems[0][0] == 4
    assert "not a valid JSON entry" in problems[0][1]


def test_record_forged_onto_the_end_is_found_by_the_head_file(
    ledger: Ledger, records: list[Pair]
) -> None:
    lines = read_lines(ledger.path)
    last = entry(lines[-1])
    lines.append(_rehash({"index": 5, "prev_hash": last["hash"], "record": records[2][0]}))
    _write(ledger.path, lines)
    problems = _problems(ledger)
    assert problems[0][0] == 5
    assert "added after the last recorded head" in problems[0][1]


def test_rewritten_history_with_a_new_head_needs_a_published_anchor(ledger: Ledger) -> None:
    """Without a key, a forger who rewrites every hash and the head file is not caught by
    the chain alone; a head published earlier catches them."""
    published = ledger.verify()
    anchor = Anchor(published.count - 1, published.head_hash)
    lines = read_lines(ledger.path)
    prev = GENESIS
    rewritten = []
    for i, line in enumerate(lines):
        raw = entry(line)
        if i == 0:
            raw["record"]["recorded_at"] = "2026-01-01T00:00:00Z"
        raw["prev_hash"] = prev
        rewritten.append(_rehash(raw))
        prev = raw["hash"]
    _write(ledger.path, rewritten)
    head_path(ledger.path).write_text(json.dumps({"count": len(lines), "hash": prev}))
    assert ledger.verify().ok  # the documented limit of an HMAC-free chain
    problems = _problems(ledger, anchor)
    assert problems == [(4, "does not match the published anchor: history was rewritten")]
    cut = _problems(ledger, Anchor(9, published.head_hash))
    assert "beyond the last record" in cut[0][1]


def test_missing_head_file_is_reported(ledger: Ledger) -> None:
    head_path(ledger.path).unlink()
    assert "head file" in _problems(ledger)[0][1]


def test_append_refuses_an_inconsistent_record(tmp_path: Path, records: list[Pair]) -> None:
    rec, policy_input = records[0]
    value = copy.deepcopy(policy_input.value)
    value["stage"] = "production"
    bad = CanonicalInput.of(value)
    assert "input_digest is not the sha256 of the recorded input" in record_problems(rec, bad)
    book = Ledger(tmp_path / "l.jsonl")
    with pytest.raises(LedgerError, match="inconsistent decision record"):
        book.append(rec, bad)
    with pytest.raises(LedgerError, match="embeds its input"):
        book.append({**rec, "input": policy_input.value}, policy_input)
    assert not book.path.exists() or book.path.read_bytes() == b""
    assert not inputs_path(book.path).exists()


@pytest.mark.parametrize("field", ["guidance", "engine", "violations"])
def test_append_refuses_a_decision_the_reader_would_refuse(
    tmp_path: Path, records: list[Pair], field: str
) -> None:
    rec, policy_input = copy.deepcopy(records[0])
    del rec["decision"][field]
    assert record_problems(rec, policy_input) == [f"$.decision: '{field}' is a required property"]
    with pytest.raises(LedgerError, match="inconsistent decision record"):
        Ledger(tmp_path / "l.jsonl").append(rec, policy_input)


def test_append_refuses_a_damaged_tail(ledger: Ledger, records: list[Pair]) -> None:
    data = ledger.path.read_bytes()
    ledger.path.write_bytes(data[:-10])
    with pytest.raises(LedgerError, match="incomplete entry"):
        ledger.append(*records[0])
    assert ledger.path.read_bytes() == data[:-10]


def test_record_digests_cover_the_input(records: list[Pair]) -> None:
    rec, policy_input = records[2]
    assert "input" not in rec
    assert rec["input_digest"] == policy_input.digest == sha256_of(policy_input.value)
    assert rec["allow"] is True and rec["stage"] == "production"
    assert all(a["satisfied"] and a["evidence"] for a in rec["approvals"])
    assert rec["policy"]["source"] == "directory"
    assert rec["policy"]["files_sha256"] == rec["policy"]["revision"]
    assert rec["artifact_digest"] == policy_input.value["bundle"]["artifact"]["digest"]
    assert rec["ci"] == {"run_url": None, "repository": None, "run_id": None}


def _append_many(path: str, pair: Pair, n: int) -> None:
    book = Ledger(Path(path))
    for _ in range(n):
        book.append(*pair)


def test_concurrent_appends_from_several_processes(tmp_path: Path, records: list[Pair]) -> None:
    path = tmp_path / "shared.jsonl"
    ctx = multiprocessing.get_context("fork")
    procs = [
        ctx.Process(target=_append_many, args=(str(path), records[i % len(records)], 6))
        for i in range(6)
    ]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert [p.exitcode for p in procs] == [0] * 6
    result = Ledger(path).verify()
    assert result.problems == []
    assert result.count == 36
    assert len(list(inputs_path(path).iterdir())) == result.inputs == len(records)


def test_verify_cli_exit_codes(ledger: Ledger, tmp_path: Path) -> None:
    ok = run_cli("ledger", "verify", "--ledger", str(ledger.path))
    assert ok.returncode == 0, ok.stderr
    assert "intact, 5 record(s), 4 stored input(s)" in ok.stdout
    head = ledger.verify().head_hash
    assert f"head 4:{head}" in ok.stdout
    anchored = run_cli("ledger", "verify", "--ledger", str(ledger.path), "--anchor", f"4:{head}")
    assert anchored.returncode == 0, anchored.stderr

    lines = read_lines(ledger.path)
    lines[1], lines[2] = lines[2], lines[1]
    _write(ledger.path, lines)
    bad = run_cli("ledger", "verify", "--ledger", str(ledger.path))
    assert bad.returncode == 1
    assert "TAMPERED" in bad.stderr and "first bad record 1" in bad.stderr

    missing = run_cli("ledger", "verify", "--ledger", str(tmp_path / "nope.jsonl"))
    assert missing.returncode == 2
    assert "ledger not found" in missing.stderr and "--ledger" in missing.stderr

    unreadable = tmp_path / "dir.jsonl"
    unreadable.mkdir()
    assert run_cli("ledger", "verify", "--ledger", str(unreadable)).returncode == 2
    bad_anchor = run_cli("ledger", "verify", "--ledger", str(ledger.path), "--anchor", "x")
    assert bad_anchor.returncode == 2 and "INDEX:HASH" in bad_anchor.stderr


def test_anchor_parsing() -> None:
    assert Anchor.parse("3:sha256:" + "a" * 64) == Anchor(3, "a" * 64)
    with pytest.raises(UsageError):
        Anchor.parse("3:abc")


def test_show_lists_a_models_history(ledger: Ledger) -> None:
    out = run_cli("ledger", "show", "--ledger", str(ledger.path), "--model", "credit-pd-retail")
    assert out.returncode == 0, out.stderr
    assert "denied" in out.stdout and "allowed" in out.stdout
    assert "validator: validator-approver-1" in out.stdout
    assert "executive: MISSING" in out.stdout
    as_json = run_cli(
        "ledger", "show", "--ledger", str(ledger.path), "--model", "credit-pd-retail",
        "--format", "json",
    )  # fmt: skip
    rows = json.loads(as_json.stdout)
    assert [(r["index"], r["stage"], r["allowed"]) for r in rows] == [
        (0, "merge", True),
        (1, "production", False),
        (2, "production", True),
        (4, "merge", True),
    ]
    assert {r["version"] for r in rows} == {"3.0.0"}
    assert rows[3]["input_digest"] == entry(read_lines(ledger.path)[4])["record"]["input_digest"]
    assert rows[0]["pull_request"] is None and rows[0]["repository"] is None
    none = run_cli("ledger", "show", "--ledger", str(ledger.path), "--model", "nobody")
    assert none.returncode == 2 and "no record of model 'nobody'" in none.stderr
