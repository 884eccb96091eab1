"""An append-only, hash-chained ledger of decision records in a JSON-lines file.

Each line is one entry ``{"hash", "index", "prev_hash", "record"}`` in canonical JSON.
``hash`` is the sha256 of the canonical JSON of ``{"index", "prev_hash", "record"}`` and
``prev_hash`` is the previous entry's ``hash`` (64 zeros for the first). Because keys are
sorted, that hashed text is the line itself without its leading ``"hash":"...",`` member,
so verifying hashes the bytes as read instead of encoding the record again.

The policy input of each record is kept once, content-addressed, in the directory
``<ledger>.inputs/`` as ``<sha256 hex>.json`` (its canonical JSON); the record names it by
``input_digest``. Appends hold an exclusive ``flock`` on the ledger file, write the input
(atomically, unless an identical one is already there), then the line, then the head
(record count and last hash) in ``<ledger>.head``. So several processes may append at
once, and a line never names an input that is not already stored.

What the chain detects and what it cannot (there is no secret key, by design: anyone can
verify a ledger without being able to sign one):

* an edited record (its hash no longer matches), an edited-and-rehashed record (the next
  entry's ``prev_hash`` breaks), a deleted, inserted or reordered record (indexes and
  links break), a cut-off last line (not JSON), a stored input missing or altered (its
  bytes no longer hash to the digest the record names), a record whose content
  contradicts itself or its input (``gate.audit.record.consistency_problems``);
* records cut from the end, or forged onto the end, are caught by the head file only if
  whoever changed the ledger did not also rewrite the head file. Against someone who can
  rewrite both, publish the head (``ledger verify`` prints it) somewhere they cannot write
  (a check run, a job summary, a ticket) and pass it back with ``--anchor INDEX:HASH``:
  every record up to a published anchor is then fixed. Records after the newest anchor
  remain unprovable without it; ``mrm-gate replay`` still shows whether each recorded
  decision follows from its recorded input.

A signed ledger (appends given a signing key) closes the rest of that gap against anyone
without the key. Each append signs, in DSSE envelopes (:mod:`gate.attest.envelope`), the
new entry (``{"index", "hash", "signed_at"}``, one line of ``<ledger>.sig``) and the new
head (``{"count", "hash", "signed_at"}``, in the head file). The two payload types differ,
so an entry's signature is never accepted as a head. ``verify`` with a trust file then
also finds a consistent rewrite (the rewritten entries' hashes carry no valid signature),
a record signed by another key, and a removed tail (the signed head, or the signatures
of the removed entries, still name it). Only a rollback of all three files to a copy
taken earlier is indistinguishable from that earlier state: the published anchors, and
the head signing time that ``ledger verify`` prints, are the defence against it.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from gate.attest import envelope as dsse
from gate.attest.keys import Trust, parse_time
from gate.audit.record import (
    DIGEST,
    CanonicalInput,
    InputFacts,
    consistency_problems,
    record_problems,
)
from gate.errors import UsageError
from gate.fileio import canonical_json, write_atomic

GENESIS = "0" * 64
_HASH_PREFIX = b'{"hash":"'
_BODY_AT = len(_HASH_PREFIX) + 64 + 2  # after '{"hash":"<64 hex>",'
_ENTRY_KEYS = {"index", "prev_hash", "record", "hash"}


class LedgerError(UsageError):
    """The ledger cannot be read or appended to (exit 2)."""


def entry_hash(index: int, prev_hash: str, record: Any) -> str:
    body = {"index": index, "prev_hash": prev_hash, "record": record}
    return hashlib.sha256(canonical_json(body)).hexdigest()


def entry_line(index: int, prev_hash: str, record_json: bytes) -> tuple[str, bytes]:
    """The hash and the line (with its newline) of an entry, from the record's canonical
    JSON, encoded once: the hashed body and the line share the same bytes."""
    body = b'{"index":%d,"prev_hash":"%s","record":%s}' % (
        index,
        prev_hash.encode("ascii"),
        record_json,
    )
    digest = hashlib.sha256(body).hexdigest()
    return digest, _HASH_PREFIX + digest.encode("ascii") + b'",' + body[1:] + b"\n"


ENTRY_PAYLOAD = "application/vnd.mrm-gate.ledger-entry+json"
HEAD_PAYLOAD = "application/vnd.mrm-gate.ledger-head+json"


def signatures_path(ledger: Path) -> Path:
    return ledger.with_name(ledger.name + ".sig")


def head_path(ledger: Path) -> Path:
    return ledger.with_name(ledger.name + ".head")


def inputs_path(ledger: Path) -> Path:
    return ledger.with_name(ledger.name + ".inputs")


class InputStore:
    """Policy inputs stored by content: ``<directory>/<sha256 hex>.json``, canonical JSON."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def path_for(self, digest: Any) -> Path:
        if not isinstance(digest, str) or not DIGEST.fullmatch(digest):
            raise LedgerError(f"input_digest {digest!r} is not sha256:<64 hex digits>")
        return self.directory / f"{digest.removeprefix('sha256:')}.json"

    def put(self, item: CanonicalInput) -> bool:
        """Store ``item`` unless the identical bytes are already there; True if written.

        A stored file whose bytes differ (altered or half-restored) is replaced, since
        the content a digest names is fixed.
        """
        path = self.path_for(item.digest)
        try:
            if path.read_bytes() == item.data:
                return False
        except FileNotFoundError:
            pass
        write_atomic(path, item.data)
        fd = os.open(self.directory, os.O_RDONLY)
        try:
            os.fsync(fd)  # the new name is durable before the line that names it
        finally:
            os.close(fd)
        return True

    def load(self, digest: Any) -> CanonicalInput:
        """The stored input named by ``digest``; raise when it is missing or altered."""
        item, problem = self._read(digest)
        if item is None:
            raise LedgerError(problem, hint="run `mrm-gate ledger verify`")
        return item

    def _read(self, digest: Any) -> tuple[CanonicalInput | None, str]:
        path = self.path_for(digest)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None, f"its stored input {path} is missing"
        except OSError as exc:
            return None, f"its stored input {path} cannot be read: {exc.strerror}"
        try:
            item = CanonicalInput.parse(data)
        except ValueError:
            return None, f"its stored input {path} is not a JSON object (altered)"
        if item.digest != digest:
            return None, f"its stored input {path} does not hash to its digest (altered)"
        return item, ""

    def facts(self, digest: Any, cache: dict[str, InputFacts | str]) -> InputFacts | str:
        """The facts of the input named by ``digest``, or why there are none.

        Each distinct input is read, hashed and parsed once per ``cache``.
        """
        key = digest if isinstance(digest, str) else repr(digest)
        found = cache.get(key)
        if found is None:
            try:
                item, problem = self._read(digest)
            except LedgerError as exc:
                item, problem = None, exc.message
            found = InputFacts.of(item) if item is not None else problem
            cache[key] = found
        return found


@dataclass(frozen=True)
class Anchor:
    """A published head: record ``index`` had hash ``hash``."""

    index: int
    hash: str

    @classmethod
    def parse(cls, text: str) -> Anchor:
        index, sep, digest = text.partition(":")
        digest = digest.removeprefix("sha256:")
        if not sep or not index.isdigit() or len(digest) != 64:
            raise UsageError(
                f"--anchor {text!r} is not INDEX:HASH",
                hint="pass the head printed by `mrm-gate ledger verify`, e.g. 41:3f9c...",
            )
        return cls(int(index), digest.lower())


@dataclass
class Verification:
    """Outcome of checking a ledger."""

    count: int = 0
    head_hash: str = GENESIS
    inputs: int = 0
    problems: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def first_bad_index(self) -> int | None:
        return min(i for i, _ in self.problems) if self.problems else None


@dataclass(frozen=True)
class Entry:
    index: int
    prev_hash: str
    record: dict[str, Any]
    hash: str


def _read_entry(line: bytes) -> tuple[Entry | None, str, bool]:
    """Parse one line (without its newline): (entry, problem, whether it matches its hash).

    The hash is checked on the bytes as read when the line has the canonical layout (the
    normal case: no re-encoding); otherwise, or when that fails, on the canonical JSON of
    the parsed entry, which is the definition.
    """
    try:
        raw = json.loads(line)
    except ValueError:  # includes UnicodeDecodeError
        return None, "not a valid JSON entry (edited or cut off)", False
    if not isinstance(raw, dict) or set(raw) != _ENTRY_KEYS:
        return None, "not a ledger entry (needs exactly index, prev_hash, record, hash)", False
    index, prev, record, digest = raw["index"], raw["prev_hash"], raw["record"], raw["hash"]
    if (
        not isinstance(index, int)
        or isinstance(index, bool)
        or not isinstance(prev, str)
        or not isinstance(digest, str)
    ):
        return None, "index, prev_hash or hash has the wrong type", False
    if not isinstance(record, dict):
        return None, "record is not an object", False
    entry = Entry(index, prev, record, digest)
    if line[: len(_HASH_PREFIX)] == _HASH_PREFIX and line[_BODY_AT - 2 : _BODY_AT] == b'",':
        stated = line[len(_HASH_PREFIX) : _BODY_AT - 2]
        hasher = hashlib.sha256(b"{")
        hasher.update(memoryview(line)[_BODY_AT:])
        if stated == digest.encode("ascii", "replace") and hasher.hexdigest() == digest:
            return entry, "", True
    return entry, "", entry_hash(index, prev, record) == digest


def _append_line(path: Path, line: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    with os.fdopen(fd, "wb") as fh:
        fh.write(line)
        fh.flush()
        os.fsync(fh.fileno())


class Ledger:
    """A ledger file and its input store. Nothing is ever rewritten; entries are appended."""

    def __init__(self, path: Path, signer: Any = None) -> None:
        """``signer`` (a securesystemslib signer) signs each append; None appends unsigned,
        which a ledger that is already signed refuses."""
        self.path = path
        self.inputs = InputStore(inputs_path(path))
        self.signer = signer

    # ------------------------------------------------------------------ appending
    def append(self, record: dict[str, Any], policy_input: CanonicalInput) -> Entry:
        """Store the input, then append ``record`` under an exclusive lock."""
        problems = record_problems(record, policy_input)
        if problems:
            raise LedgerError(
                "refusing to append an inconsistent decision record: " + "; ".join(problems)
            )
        record_json = canonical_json(record)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o644)
        except OSError as exc:
            raise LedgerError(
                f"cannot open the ledger {self.path}: {exc.strerror}",
                hint="check the path and its permissions (--ledger or MRM_GATE_LEDGER)",
            ) from exc
        with os.fdopen(fd, "r+b") as fh:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
            try:
                last = self._last_entry(fh)
                index = 0 if last is None else last.index + 1
                prev = GENESIS if last is None else last.hash
                try:
                    self.inputs.put(policy_input)
                except OSError as exc:
                    raise LedgerError(
                        f"cannot store the policy input in {self.inputs.directory}: "
                        f"{exc.strerror}; nothing was appended",
                        hint="check that directory and its permissions",
                    ) from exc
                digest, line = entry_line(index, prev, record_json)
                signature, head = self._signed(index, digest, str(record.get("recorded_at")))
                fh.seek(0, os.SEEK_END)
                fh.write(line)
                fh.flush()
                os.fsync(fh.fileno())
                if signature is not None:
                    _append_line(signatures_path(self.path), signature)
                write_atomic(head_path(self.path), json.dumps(head) + "\n")
            finally:
                fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
        return Entry(index, prev, record, digest)

    def _signed(self, index: int, digest: str, signed_at: str) -> tuple[bytes | None, Any]:
        """The signature line of the new entry and the new head (both signed when there
        is a signer), computed before anything is written: a failed signing writes
        nothing."""
        head: dict[str, Any] = {"count": index + 1, "hash": digest}
        if self.signer is None:
            if signatures_path(self.path).exists():
                raise LedgerError(
                    f"the ledger {self.path} is signed; nothing was appended unsigned",
                    hint="pass --sign-key (or MRM_GATE_SIGNING_KEY), or --keyless in CI",
                )
            return None, head
        entry = {"index": index, "hash": digest, "signed_at": signed_at}
        envelope = dsse.sign(canonical_json(entry), ENTRY_PAYLOAD, self.signer)
        head_body = {**head, "signed_at": signed_at}
        head["signature"] = dsse.sign(canonical_json(head_body), HEAD_PAYLOAD, self.signer)
        return canonical_json({"index": index, "envelope": envelope}) + b"\n", head

    def _last_entry(self, fh: BinaryIO) -> Entry | None:
        """The last entry, read backwards from the end; refuse a damaged tail."""
        end = fh.seek(0, os.SEEK_END)
        if end == 0:
            return None
        fh.seek(end - 1)
        if fh.read(1) != b"\n":
            raise LedgerError(
                f"the ledger {self.path} ends in an incomplete entry; nothing was appended",
                hint="run `mrm-gate ledger verify` and restore the ledger from a copy",
            )
        pos, tail = end - 1, b""
        while pos > 0 and b"\n" not in tail:
            step = min(65536, pos)
            pos -= step
            fh.seek(pos)
            tail = fh.read(step) + tail
        line = tail.rsplit(b"\n", 1)[-1] if b"\n" in tail else tail
        entry, _, intact = _read_entry(line)
        if entry is None or not intact:
            raise LedgerError(
                f"the last entry of the ledger {self.path} is damaged; nothing was appended",
                hint="run `mrm-gate ledger verify` to see where",
            )
        return entry

    # ------------------------------------------------------------------ reading
    def _lines(self) -> Iterator[bytes]:
        """The lines, without their newlines, streamed (a ledger may be gigabytes)."""
        try:
            fh = self.path.open("rb")
        except FileNotFoundError:
            raise LedgerError(
                f"ledger not found: {self.path}",
                hint="pass --ledger PATH (or set MRM_GATE_LEDGER); `mrm-gate record` creates it",
            ) from None
        except OSError as exc:
            raise LedgerError(f"cannot read the ledger {self.path}: {exc.strerror}") from exc
        with fh:
            try:
                for line in fh:
                    yield line[:-1] if line.endswith(b"\n") else line
            except OSError as exc:
                raise LedgerError(f"cannot read the ledger {self.path}: {exc.strerror}") from exc

    def entries(self) -> Iterator[Entry]:
        """Every entry whose own hash is sound; raise on the first that is not."""
        for position, line in enumerate(self._lines()):
            entry, problem, intact = _read_entry(line)
            if entry is None:
                raise LedgerError(
                    f"ledger {self.path}: record {position}: {problem}",
                    hint="run `mrm-gate ledger verify`",
                )
            if not intact:
                raise LedgerError(
                    f"ledger {self.path}: record {position} does not match its hash",
                    hint="run `mrm-gate ledger verify`",
                )
            yield entry

    def get(self, index: int) -> Entry:
        for entry in self.entries():
            if entry.index == index:
                return entry
        raise LedgerError(f"ledger {self.path} has no record {index}")

    def input_of(self, entry: Entry) -> CanonicalInput:
        """The stored policy input of ``entry``; raise when it is missing or altered."""
        try:
            return self.inputs.load(entry.record.get("input_digest"))
        except LedgerError as exc:
            raise LedgerError(
                f"ledger {self.path}: record {entry.index}: {exc.message}",
                hint="run `mrm-gate ledger verify`; restore the input store "
                f"({self.inputs.directory}) from the copy kept with the ledger",
            ) from None

    # ------------------------------------------------------------------ verifying
    def verify(self, anchors: tuple[Anchor, ...] = (), trust: Trust | None = None) -> Verification:
        """Check every link and hash, each stored input, every record's consistency, the
        head file and the anchors; with ``trust``, also that every entry and the head are
        signed by a key of ``trust`` valid when it signed.

        Records are not validated against the JSON schema again: each was validated
        before it was appended, and its hash binds it to what was validated (see
        docs/audit.md). A record whose hash fails is reported as edited and not examined
        further; its content is not the one that was recorded.
        """
        result = Verification()
        wanted = {a.index for a in anchors}
        anchored: dict[int, str] = {}
        facts_cache: dict[str, InputFacts | str] = {}
        prev = GENESIS
        count = 0
        hashes: list[str] = []
        for position, line in enumerate(self._lines()):
            count = position + 1
            entry, problem, intact = _read_entry(line)
            hashes.append(entry.hash if entry is not None else "")
            if entry is None:
                result.problems.append((position, problem))
                prev = ""
                continue
            result.problems.extend((position, p) for p in _link_problems(entry, position, prev))
            if position in wanted:
                anchored[position] = entry.hash
            prev = entry.hash
            result.head_hash = entry.hash
            if not intact:
                result.problems.append((position, "content edited: it no longer matches its hash"))
                continue
            facts = self.inputs.facts(entry.record.get("input_digest"), facts_cache)
            if isinstance(facts, str):
                result.problems.append((position, facts))
                continue
            result.problems.extend(
                (position, f"record is inconsistent ({p})")
                for p in consistency_problems(entry.record, facts)
            )
        result.count = count
        result.inputs = sum(1 for f in facts_cache.values() if not isinstance(f, str))
        if count and prev == "":
            result.head_hash = ""
        self._check_head(result)
        if trust is not None:
            result.problems.extend(SignatureCheck(self.path, trust).problems(hashes))
        result.problems.extend(_anchor_problems(anchors, anchored, count))
        result.problems.sort(key=lambda p: p[0])
        return result

    def _check_head(self, result: Verification) -> None:
        path = head_path(self.path)
        try:
            head = json.loads(path.read_text("utf-8"))
            count, digest = int(head["count"]), str(head["hash"])
        except FileNotFoundError:
            if result.count:
                result.problems.append(
                    (result.count - 1, f"head file {path.name} is missing; the end is unprovable")
                )
            return
        except (OSError, ValueError, KeyError, TypeError):
            result.problems.append((result.count, f"head file {path.name} is unreadable"))
            return
        if count > result.count:
            result.problems.append(
                (
                    result.count,
                    f"the head file says {count} records but the ledger holds {result.count}: "
                    "records were cut from the end",
                )
            )
        elif count < result.count:
            result.problems.append(
                (
                    count,
                    f"records from {count} on were added after the last recorded head "
                    f"({count} records): forged onto the end, or an append was interrupted",
                )
            )
        elif count and digest != result.head_hash:
            result.problems.append(
                (count - 1, "the last record is not the one the head file names")
            )


class SignatureCheck:
    """The signatures of a ledger's entries and head, against a trust file."""

    def __init__(self, ledger: Path, trust: Trust) -> None:
        self.ledger = ledger
        self.trust = trust

    def problems(self, hashes: list[str]) -> list[tuple[int, str]]:
        """Every entry (by the hash it has now) and the head without a valid signature."""
        found: list[tuple[int, str]] = []
        signed = self._signature_lines(found)
        for position, digest in enumerate(hashes):
            envelope = signed.get(position)
            if envelope is None:
                found.append(
                    (
                        position,
                        "NOT SIGNED: no signature for this record (added or rewritten "
                        "without the ledger's signing key)",
                    )
                )
                continue
            problem = self._payload_problem(
                envelope, ENTRY_PAYLOAD, {"index": position, "hash": digest}, "record"
            )
            if problem:
                found.append((position, problem))
        gone = sorted(i for i in signed if i >= len(hashes))
        if gone:
            found.append(
                (
                    len(hashes),
                    f"signatures exist for records {gone[0]}..{gone[-1]}, which are no longer "
                    "in the ledger: its tail was removed",
                )
            )
        found.extend(self._head_problems(len(hashes), hashes[-1] if hashes else GENESIS))
        return found

    def _signature_lines(self, found: list[tuple[int, str]]) -> dict[int, Any]:
        path = signatures_path(self.ledger)
        try:
            lines = path.read_bytes().splitlines()
        except FileNotFoundError:
            return {}
        except OSError as exc:
            raise LedgerError(f"cannot read the signatures {path}: {exc.strerror}") from None
        signed: dict[int, Any] = {}
        for number, line in enumerate(lines):
            try:
                item = json.loads(line)
                index, envelope = item["index"], item["envelope"]
                if not isinstance(index, int) or index in signed:
                    raise ValueError("repeated or mistyped index")
            except (ValueError, KeyError, TypeError):
                found.append((number, f"line {number + 1} of {path.name} is not a signature"))
                continue
            signed[index] = envelope
        return signed

    def _payload_problem(
        self, envelope: Any, payload_type: str, expected: dict[str, Any], what: str
    ) -> str:
        """'' when ``envelope`` is a trusted, valid signature over ``expected``."""
        where = f"the {what}'s signature"
        try:
            verified = dsse.verify(envelope, self.trust, payload_type=payload_type, where=where)
            body = json.loads(verified.payload)
            signed_at = parse_time(body.get("signed_at"), f"{where}: signed_at")
            verified.require_valid([(signed_at, "its signing time")], where)
        except UsageError as exc:  # refused envelope, bad time
            return exc.message
        except (ValueError, AttributeError):
            return f"{where}: the signed payload is not a JSON object"
        if {k: body.get(k) for k in expected} != expected:
            return (
                f"{where} is valid but for another {what} ({json.dumps(body, sort_keys=True)}):"
                " the ledger was rewritten"
            )
        return ""

    def _head_problems(self, count: int, last_hash: str) -> list[tuple[int, str]]:
        path = head_path(self.ledger)
        try:
            head = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError):
            return []  # reported by the unsigned head check
        at = max(count - 1, 0)
        if not isinstance(head, dict) or "signature" not in head:
            return [(at, f"head file {path.name} is NOT SIGNED (rewritten without the key)")]
        problem = self._payload_problem(
            head["signature"], HEAD_PAYLOAD, {"count": count, "hash": last_hash}, "head"
        )
        return [(at, problem)] if problem else []


__all__ = ["Anchor", "Entry", "Ledger", "LedgerError", "Verification", "entry_hash"]


def _link_problems(entry: Entry, position: int, prev: str) -> list[str]:
    """How the entry at ``position`` breaks the chain from the entry before (hash ``prev``)."""
    problems = []
    if entry.index != position:
        problems.append(
            f"says it is record {entry.index}: records were deleted, inserted or reordered here"
        )
    if entry.prev_hash != prev:
        problems.append(
            "chain broken: prev_hash is not the hash of the record before it "
            "(that record was altered and re-hashed, or records were removed, "
            "inserted or reordered)"
        )
    return problems


def _anchor_problems(
    anchors: tuple[Anchor, ...], anchored: dict[int, str], count: int
) -> list[tuple[int, str]]:
    """Each published anchor the ledger of ``count`` records no longer holds."""
    problems = []
    for anchor in anchors:
        if anchor.index >= count:
            problems.append(
                (
                    count,
                    f"published anchor {anchor.index} is beyond the last record: "
                    "records were cut from the end",
                )
            )
        elif anchored.get(anchor.index) != anchor.hash:
            problems.append(
                (anchor.index, "does not match the published anchor: history was rewritten")
            )
    return problems
