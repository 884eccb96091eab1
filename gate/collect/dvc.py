"""Data snapshot hashes from ``dvc.lock`` and ``*.dvc`` files, parsed without DVC."""

from __future__ import annotations

import posixpath
import re
from typing import Any

from gate.errors import EvidenceError, Problem

_MD5 = re.compile(r"^[0-9a-f]{32}$")


def _fail(label: str, path: str, what: str, fix: str) -> EvidenceError:
    return EvidenceError(f"{label}: {path}: {what}", [Problem(label, path, what, fix)])


def _entries(doc: Any, label: str, where: str, key: str) -> list[tuple[str, dict[str, Any]]]:
    value = doc.get(key, []) if isinstance(doc, dict) else []
    if value is None:
        return []
    if not isinstance(value, list):
        raise _fail(
            label,
            f"{where}.{key}",
            f"expected a list, got {type(value).__name__}",
            "regenerate the file with `dvc commit` / `dvc repro`",
        )
    out = []
    for i, entry in enumerate(value):
        if not isinstance(entry, dict):
            raise _fail(
                label,
                f"{where}.{key}[{i}]",
                "expected a mapping with path and md5",
                "regenerate the file with DVC",
            )
        out.append((f"{where}.{key}[{i}]", entry))
    return out


def _snapshot(entry: dict[str, Any], where: str, label: str, rel: str) -> dict[str, str] | None:
    md5 = entry.get("md5")
    if md5 is None:
        return None  # params, or a remote dependency hashed by etag/checksum only
    path = entry.get("path")
    if not isinstance(path, str) or not path:
        raise _fail(
            label, f"{where}.path", "missing or not a string", "regenerate the file with DVC"
        )
    if not isinstance(md5, str):
        raise _fail(
            label,
            f"{where}.md5",
            f"expected a string, got {type(md5).__name__}",
            "regenerate the file with DVC",
        )
    bare = md5.removesuffix(".dir")
    if not _MD5.match(bare):
        raise _fail(
            label,
            f"{where}.md5",
            f"{md5!r} is not an md5 (32 hex digits)",
            "regenerate the file with DVC",
        )
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(rel), path))
    if md5.endswith(".dir"):
        joined += "/"
    return {"path": joined, "md5": bare, "source": rel}


def snapshots_from_dvc(doc: Any, *, rel: str, label: str) -> list[dict[str, str]]:
    """Snapshots in a parsed ``dvc.lock`` (``stages.*.deps/outs``) or ``.dvc`` file (``outs``).

    Paths are made relative to the repository root (DVC writes them relative to the file).
    """
    if not isinstance(doc, dict):
        raise _fail(
            label,
            "$",
            "expected a mapping at the top level",
            "point the config at a dvc.lock or .dvc file",
        )
    found: list[dict[str, str]] = []
    if posixpath.basename(rel) == "dvc.lock" or "stages" in doc:
        stages = doc.get("stages", {})
        if not isinstance(stages, dict):
            raise _fail(
                label,
                "$.stages",
                "expected a mapping of stage names",
                "regenerate dvc.lock with `dvc repro`",
            )
        for name in sorted(stages):
            stage = stages[name]
            if not isinstance(stage, dict):
                raise _fail(
                    label,
                    f"$.stages.{name}",
                    "expected a mapping",
                    "regenerate dvc.lock with `dvc repro`",
                )
            for key in ("deps", "outs"):
                for where, entry in _entries(stage, label, f"$.stages.{name}", key):
                    snap = _snapshot(entry, where, label, rel)
                    if snap:
                        found.append(snap)
    else:
        for key in ("deps", "outs"):
            for where, entry in _entries(doc, label, "$", key):
                snap = _snapshot(entry, where, label, rel)
                if snap:
                    found.append(snap)
    return found
