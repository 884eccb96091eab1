"""An append-only, hash-chained ledger of decision records in a JSON-lines file.

Each line is one entry ``{"index", "prev_hash", "record", "hash"}``. ``hash`` is the sha256
of the canonical JSON of ``{"index", "prev_hash", "record"}`` and ``prev_hash`` is the
previous entry's ``hash`` (64 zeros for the first). Appends hold an exclusive ``flock`` on
the ledger file, so several processes may append at once. After each append the head
(record count and last hash) is written beside the ledger in ``<ledger>.head``.

What the chain detects and what it cannot (there is no secret key, by design: anyone can
verify a ledger without being able to sign one):

* an edited record (its hash no longer matches), an edited-and-rehashed record (the next
  entry's ``prev_hash`` breaks), a deleted, inserted or reordered record (indexes and
  links break), a cut-off last line (not JSON), a record whose content contradicts itself
  (``gate.audit.record.record_problems``);
* records cut from the end, or forged onto the end, are caught by the head file only if
  whoever changed the ledger did not also rewrite the head file. Against someone who can
  rewrite both, publish the head (``ledger verify`` prints it) somewhere they cannot write
  (a check run, a job summary, a ticket) and pass it back with ``--anchor INDEX:HASH``:
  every record up to a published anchor is then fixed. Records after the newest anchor
  remain unprovable without it; ``mrm-gate replay`` still shows whether each recorded
  decision follows from its recorded input.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gate.audit.record import record_problems
from gate.errors import UsageError
from gate.fileio import canonical_json, write_atomic

GENESIS = "0" * 64


class LedgerError(UsageError):
    """The ledger cannot be read or appended to (exit 2)."""


def entry_hash(index: int, prev_hash: str, record: Any) -> str:
    body = {"index": index, "prev_hash": prev_hash, "record": record}
    return hashlib.sha256(canonical_json(body)).hexdigest()


def head_path(ledger: Path) -> Path:
    return ledger.with_name(ledger.name + ".head")


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


def _parse_line(line: bytes, position: int) -> tuple[Entry | None, list[str]]:
    try:
        raw = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None, ["not a valid JSON entry (edited or cut off)"]
    if not isinstance(raw, dict) or set(raw) != {"index", "prev_hash", "record", "hash"}:
        return None, ["not a ledger entry (needs exactly index, prev_hash, record, hash)"]
    index, prev, record, digest = raw["index"], raw["prev_hash"], raw["record"], raw["hash"]
    if not isinstance(index, int) or not isinstance(prev, str) or not isinstance(digest, str):
        return None, ["index, prev_hash or hash has the wrong type"]
    if not isinstance(record, dict):
        return None, ["record is not an object"]
    return Entry(index, prev, record, digest), []


class Ledger:
    """A ledger file. Nothing is ever rewritten; entries are only appended."""

    def __init__(self, path: Path) -> None:
        self.path = path

    # ------------------------------------------------------------------ appending
    def append(self, record: dict[str, Any]) -> Entry:
        """Append ``record`` under an exclusive lock; return the new entry."""
        problems = record_problems(record)
        if problems:
            raise LedgerError(
                "refusing to append an inconsistent decision record: " + "; ".join(problems)
            )
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
                entry = Entry(index, prev, record, entry_hash(index, prev, record))
                line = canonical_json(
                    {"index": index, "prev_hash": prev, "record": record, "hash": entry.hash}
                )
                fh.seek(0, os.SEEK_END)
                fh.write(line + b"\n")
                fh.flush()
                os.fsync(fh.fileno())
                write_atomic(
                    head_path(self.path),
                    json.dumps({"count": index + 1, "hash": entry.hash}) + "\n",
                )
            finally:
                fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
        return entry

    def _last_entry(self, fh: Any) -> Entry | None:
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
        entry, problems = _parse_line(line, -1)
        if entry is None or entry.hash != entry_hash(entry.index, entry.prev_hash, entry.record):
            raise LedgerError(
                f"the last entry of the ledger {self.path} is damaged; nothing was appended",
                hint="run `mrm-gate ledger verify` to see where",
            )
        return entry

    # ------------------------------------------------------------------ reading
    def _lines(self) -> list[bytes]:
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            raise LedgerError(
                f"ledger not found: {self.path}",
                hint="pass --ledger PATH (or set MRM_GATE_LEDGER); `mrm-gate record` creates it",
            ) from None
        except OSError as exc:
            raise LedgerError(f"cannot read the ledger {self.path}: {exc.strerror}") from exc
        if not data:
            return []
        lines = data.split(b"\n")
        if lines[-1] == b"":
            lines.pop()
        return lines

    def entries(self) -> Iterator[Entry]:
        """Every entry whose own hash is sound; raise on the first that is not."""
        for position, line in enumerate(self._lines()):
            entry, problems = _parse_line(line, position)
            if entry is None:
                raise LedgerError(
                    f"ledger {self.path}: record {position}: {problems[0]}",
                    hint="run `mrm-gate ledger verify`",
                )
            if entry.hash != entry_hash(entry.index, entry.prev_hash, entry.record):
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

    # ------------------------------------------------------------------ verifying
    def verify(self, anchors: tuple[Anchor, ...] = ()) -> Verification:
        """Check every link, every hash, every record, the head file and the anchors."""
        result = Verification()
        lines = self._lines()
        hashes: list[str] = []
        prev = GENESIS
        for position, line in enumerate(lines):
            entry, problems = _parse_line(line, position)
            if entry is None:
                result.problems.extend((position, p) for p in problems)
                hashes.append("")
                prev = ""
                continue
            if entry.index != position:
                result.problems.append(
                    (
                        position,
                        f"says it is record {entry.index}: records were deleted, inserted "
                        "or reordered here",
                    )
                )
            if entry.prev_hash != prev:
                result.problems.append(
                    (
                        position,
                        "chain broken: prev_hash is not the hash of the record before it "
                        "(that record was altered and re-hashed, or records were removed, "
                        "inserted or reordered)",
                    )
                )
            if entry.hash != entry_hash(entry.index, entry.prev_hash, entry.record):
                result.problems.append((position, "content edited: it no longer matches its hash"))
            result.problems.extend(
                (position, f"record is inconsistent ({p})") for p in record_problems(entry.record)
            )
            hashes.append(entry.hash)
            prev = entry.hash
        result.count = len(lines)
        result.head_hash = hashes[-1] if hashes else GENESIS
        self._check_head(result)
        for anchor in anchors:
            if anchor.index >= len(hashes):
                result.problems.append(
                    (
                        len(hashes),
                        f"published anchor {anchor.index} is beyond the last record: "
                        "records were cut from the end",
                    )
                )
            elif hashes[anchor.index] != anchor.hash:
                result.problems.append(
                    (anchor.index, "does not match the published anchor: history was rewritten")
                )
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


__all__ = ["Anchor", "Entry", "Ledger", "LedgerError", "Verification", "entry_hash"]
