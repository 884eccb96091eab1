"""Streaming sha256 of artefact files (hashlib, large chunks: no whole-file reads)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from contextlib import AbstractContextManager
from io import FileIO
from pathlib import Path

from gate.errors import EvidenceError

CHUNK_BYTES = 4 * 1024 * 1024
LARGE_FILE_BYTES = 64 * 1024 * 1024

# Given a file label and its size, returns a context manager yielding an ``advance(n)``
# callback. Used for a progress bar; the CLI decides whether one is shown.
ProgressFactory = Callable[[str, int], AbstractContextManager[Callable[[int], None]]]


def sha256_file(
    path: Path,
    *,
    label: str,
    progress: ProgressFactory | None = None,
    large_file_bytes: int = LARGE_FILE_BYTES,
) -> tuple[str, int]:
    """Return ``(hex digest, size in bytes)`` of the file. Without a progress bar,
    ``hashlib.file_digest`` (its C loop over one buffer, hashing without the GIL); with
    one, chunks of 4 MiB into one reused buffer, reporting each."""
    try:
        size = path.stat().st_size
        with path.open("rb", buffering=0) as fh:
            if progress is None or size < large_file_bytes:
                digest = hashlib.file_digest(fh, "sha256")
                return digest.hexdigest(), fh.tell()
            with progress(label, size) as advance:
                return _sha256_chunks(fh, advance)
    except OSError as exc:
        raise EvidenceError(f"{label}: cannot read: {exc.strerror}") from exc


def _sha256_chunks(fh: FileIO, advance: Callable[[int], None]) -> tuple[str, int]:
    digest = hashlib.sha256()
    read = 0
    # One reusable buffer: readinto avoids allocating a new bytes object per chunk.
    buffer = bytearray(CHUNK_BYTES)
    view = memoryview(buffer)
    while n := fh.readinto(buffer):
        digest.update(view[:n])
        read += n
        advance(n)
    return digest.hexdigest(), read


def file_hex(path: Path, algorithm: str) -> str:
    """Hex digest of a file, ``"sha256"`` or ``"md5"`` (the hash DVC records, not used for
    security); an unreadable file raises OSError for the caller to word."""
    factory = (lambda: hashlib.md5(usedforsecurity=False)) if algorithm == "md5" else algorithm
    with path.open("rb", buffering=0) as fh:
        return hashlib.file_digest(fh, factory).hexdigest()


def sha256_bytes(data: bytes) -> str:
    """Hex sha256 of bytes already in memory."""
    return hashlib.sha256(data).hexdigest()
