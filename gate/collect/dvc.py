"""Data snapshot hashes from ``dvc.lock`` and ``*.dvc`` files, parsed without DVC, and
checked against the files of the checkout (what `dvc status` would report)."""

from __future__ import annotations

import hashlib
import json
import posixpath
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from gate.collect.hashing import file_hex
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


# --- the hashes checked against the files the checkout actually holds -------------------


def dir_md5(directory: Path) -> str:
    """DVC's hash of a directory (without its ``.dir`` suffix): the md5 of the JSON list of
    ``{"md5", "relpath"}`` of every file below it, sorted by relpath, as DVC writes it
    (``json.dumps(..., sort_keys=True)``), so a ``.dir`` entry can be checked without DVC."""
    entries = [
        {"md5": file_hex(f, "md5"), "relpath": f.relative_to(directory).as_posix()}
        for f in directory.rglob("*")
        if f.is_file()
    ]
    entries.sort(key=lambda e: e["relpath"])
    return hashlib.md5(
        json.dumps(entries, sort_keys=True).encode(), usedforsecurity=False
    ).hexdigest()


def _hashes(real: Path, snap: Mapping[str, Any]) -> dict[str, str]:
    if real.is_dir():
        return {"md5": dir_md5(real)} if "md5" in snap else {}
    out = {}
    if "md5" in snap:
        out["md5"] = file_hex(real, "md5")
    if "sha256" in snap:
        out["sha256"] = file_hex(real, "sha256")
    return out


def snapshot_problems(
    snapshots: list[Mapping[str, Any]], root: Path, *, label: str
) -> list[Problem]:
    """Each data snapshot whose recorded hash is not the hash of the file (or directory)
    in the checkout, or whose file is absent: the data used must be the data recorded.
    ``package:<module>/<file>`` snapshots are checked against the installed package."""
    # Imported here: gate.reproduce resolves package paths and imports nothing of collect.
    from gate.reproduce import ReferenceMissing, resolve_snapshot

    problems = []
    for i, snap in enumerate(snapshots):
        path = str(snap.get("path", ""))
        where = f"$.reproducibility.data_snapshots[{i}]"
        # The DVC file that recorded the hash, else the file the snapshot list came from.
        source = str(snap.get("source") or "")
        if not source.endswith((".dvc", "dvc.lock")):
            source = label
        try:
            if path.startswith("delta:"):
                problems.extend(_delta_problems(snap, source, where))
                continue
            real = resolve_snapshot(path.rstrip("/"), root)
        except ReferenceMissing as err:
            problems.append(Problem(source, where, err.message, err.hint or ""))
            continue
        if not real.exists():
            problems.append(
                Problem(
                    source,
                    where,
                    f"data snapshot {path} is not in the checkout, so its hash cannot be checked",
                    "fetch the recorded data before collecting (`dvc pull`)",
                )
            )
            continue
        for algo, got in _hashes(real, snap).items():
            want = str(snap[algo])
            if got != want:
                problems.append(
                    Problem(
                        source,
                        f"{where}.{algo}",
                        f"data snapshot {path}: the file's {algo} is {got} but {want} is "
                        "recorded: the data changed after it was versioned",
                        "restore the versioned data (`dvc checkout`), or version the new data "
                        "(`dvc commit`/`dvc repro`) and retrain",
                    )
                )
    return problems


def _delta_problems(snap: Mapping[str, Any], source: str, where: str) -> list[Problem]:
    """A Delta table snapshot: its recorded version must still hold the recorded files."""
    from gate.registry.delta import REWRITTEN_FIX, snapshot_problem

    problem = snapshot_problem(dict(snap))
    return [] if problem is None else [Problem(source, f"{where}.sha256", problem, REWRITTEN_FIX)]
