"""Resolving repository-relative paths so that no input can reach outside the checkout."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from gate.errors import EvidenceError, Problem


def resolve_in_repo(root: Path, rel: str, *, referrer: str, json_path: str) -> Path:
    """Return the real path of ``rel`` inside ``root`` (already resolved).

    Refuses absolute paths, ``..`` segments, backslashes, symlinks that lead outside the
    repository, missing files and anything that is not a regular file. ``referrer`` and
    ``json_path`` name where the path was written, for the error message.
    """

    def fail(what: str, fix: str) -> EvidenceError:
        return EvidenceError(
            f"{referrer}: {json_path}: {rel!r} {what}",
            [Problem(referrer, json_path, f"{rel!r} {what}", fix)],
        )

    pure = PurePosixPath(rel)
    if not rel or "\\" in rel or pure.is_absolute() or (len(rel) > 1 and rel[1] == ":"):
        raise fail("is not a relative path", "write a path relative to the repository root")
    if ".." in pure.parts:
        raise fail(
            "escapes the repository ('..')", "reference a file inside the repository without '..'"
        )
    candidate = root.joinpath(*pure.parts)
    real = candidate.resolve(strict=False)
    if not real.is_relative_to(root):
        raise fail(
            "escapes the repository (through a symbolic link)",
            "copy the file into the repository instead of linking to it",
        )
    if not real.exists():
        raise fail("does not exist", "create the file or fix the path in the config")
    if not real.is_file():
        raise fail("is not a regular file", "point at a file, not a directory or device")
    return real


def repo_relative(root: Path, path: Path) -> str:
    """``path`` relative to ``root`` in POSIX form; the path must lie inside ``root``."""
    return path.relative_to(root).as_posix()
