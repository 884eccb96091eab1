"""Streaming sha256 of artefact files (hashlib, large chunks: no whole-file reads)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path

from gate.errors import EvidenceError

CHUNK_BYTES = 4 * 1024 * 1024
LARGE_FILE_BYTES = 64 * 1024 * 1024

# Given a file label and its size, returns a context manager yielding an ``advance(n)``
# callback. Used for a progress bar; the CLI decides whether one is shown.
ProgressFactory = Callable[[str, int], AbstractContextManager[Callable[[int], None]]]


def _no_progress(_: int) -> None:
    return None


def sha256_file(
    path: Path,
    *,
    label: str,
    progress: ProgressFactory | None = None,
    large_file_bytes: int = LARGE_FILE_BYTES,
) -> tuple[str, int]:
    """Return ``(hex digest, size in bytes)`` of the file, read in chunks of 4 MiB
    into one reused buffer."""
    digest = hashlib.sha256()
    try:
        size = path.stat().st_size
        bar: AbstractContextManager[Callable[[int], None]] = (
            progress(label, size)
            if progress is not None and size >= large_file_bytes
            else nullcontext(_no_progress)
        )
        read = 0
        # One reusable buffer: readinto avoids allocating a new bytes object per chunk.
        buffer = bytearray(CHUNK_BYTES)
        view = memoryview(buffer)
        with path.open("rb", buffering=0) as fh, bar as advance:
            while n := fh.readinto(buffer):
                digest.update(view[:n])
                read += n
                advance(n)
    except OSError as exc:
        raise EvidenceError(f"{label}: cannot read: {exc.strerror}") from exc
    return digest.hexdigest(), read


def sha256_bytes(data: bytes) -> str:
    """Hex sha256 of bytes already in memory."""
    return hashlib.sha256(data).hexdigest()
