"""Lakehouse data snapshots: a Delta Lake table read at one version (the ``registry`` extra,
the ``deltalake`` package; no Spark needed).

A snapshot is recorded in ``reproducibility.data_snapshots`` as
``{"path": "delta:<table uri>", "delta_version": N, "sha256": ...}``. The table URI is
absolute (a local path or an object-store URL): a lakehouse table lives outside the
repository. The sha256 is of the version's data files: for each file the version holds,
sorted by its path relative to the table, the line ``<path>\\t<sha256 of its bytes>\\n``.
Delta never rewrites a data file, so a version whose files hash differently was rewritten,
and a version whose files are gone was vacuumed.

The training reads its table with :func:`read`, which returns the table at the version
``mrm-gate reproduce`` pins (:data:`VERSIONS_ENV`, canonical JSON ``{"delta:<uri>": N}``) or,
when training for the first time, at the latest version, together with the snapshot to
record. The retraining therefore reads exactly the version the evidence recorded, however
far the table has moved on since.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import PurePosixPath
from typing import Any

from gate.reproduce import ReferenceMissing

PREFIX = "delta:"
VERSIONS_ENV = "MRM_GATE_DATA_VERSIONS"
REWRITTEN_FIX = "restore the table's recorded version, or train again and record the version read"


def is_delta(path: str) -> bool:
    return path.startswith(PREFIX)


def _uri(path: str) -> str:
    uri = path.removeprefix(PREFIX)
    if "://" not in uri and not PurePosixPath(uri).is_absolute():
        raise ReferenceMissing(
            f"data snapshot {path!r}: a Delta table is named by an absolute path or URL",
            hint="record the table as delta:/absolute/path or delta:s3://bucket/table",
        )
    return uri


def _open(path: str, version: int | None) -> Any:
    try:
        from deltalake import DeltaTable
        from deltalake.exceptions import DeltaError
    except ImportError as exc:
        raise ReferenceMissing(
            f"data snapshot {path}: the deltalake package is not installed",
            hint="pip install 'mrm-gate[registry]' (make setup does)",
        ) from exc

    uri = _uri(path)
    try:
        return DeltaTable(uri) if version is None else DeltaTable(uri, version=version)
    except (DeltaError, OSError) as exc:
        at = "" if version is None else f" at version {version}"
        raise ReferenceMissing(
            f"data snapshot {path}: cannot open the Delta table{at}: {' '.join(str(exc).split())}",
            hint="the version's log may have been cleaned up: restore the table's history, "
            "or train again from a version the table holds and record that one",
        ) from exc


def digest(table: Any, path: str) -> str:
    """sha256 of the version's data files (see the module text); a missing file means the
    version was vacuumed."""
    from pyarrow import fs  # type: ignore[import-untyped]

    # file_uris() are local paths for a local table whose table_uri is file://...
    root = table.table_uri.removeprefix("file://").rstrip("/") + "/"
    lines = []
    for uri in table.file_uris():
        filesystem, location = fs.FileSystem.from_uri(uri)
        try:
            with filesystem.open_input_stream(location) as stream:
                data = stream.read()
        except FileNotFoundError as exc:
            raise ReferenceMissing(
                f"data snapshot {path} version {table.version()}: the data file {uri} is gone "
                "(the version was vacuumed)",
                hint="restore the vacuumed files from a backup, or train again from the "
                "current version and record it; keep recorded versions out of VACUUM's reach "
                "(delta.deletedFileRetentionDuration)",
            ) from exc
        except OSError as exc:
            raise ReferenceMissing(
                f"data snapshot {path} version {table.version()}: cannot read the data file "
                f"{uri}: {exc.strerror or exc}",
                hint="make the table's files readable to the gate (permissions, a file "
                "replaced by a folder, the storage's mount), then run again",
            ) from exc
        name = uri.removeprefix("file://").removeprefix(root)
        lines.append(f"{name}\t{hashlib.sha256(data).hexdigest()}\n")
    return hashlib.sha256("".join(sorted(lines)).encode()).hexdigest()


def snapshot_problem(snap: dict[str, Any]) -> str | None:
    """Why the recorded version no longer holds the recorded data, or None when it does.
    A version that cannot be read at all raises :class:`ReferenceMissing`."""
    path = str(snap.get("path", ""))
    version = snap.get("delta_version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 0:
        raise ReferenceMissing(
            f"data snapshot {path}: delta_version must be the table version read in training",
            hint="record the snapshot with gate.registry.delta.read",
        )
    got = digest(_open(path, version), path)
    want = snap.get("sha256")
    if got == want:
        return None
    return (
        f"data snapshot {path} version {version}: its data files hash to sha256 {got} but "
        f"{want} is recorded: the version was rewritten"
    )


def pinned_versions(snapshots: list[dict[str, Any]]) -> str:
    """The value of :data:`VERSIONS_ENV` for a reproduction: each table's recorded version."""
    pins = {
        str(s["path"]): s["delta_version"] for s in snapshots if is_delta(str(s.get("path", "")))
    }
    return json.dumps(pins, sort_keys=True, separators=(",", ":"))


def read(uri: str) -> tuple[Any, dict[str, Any]]:
    """The table for training (a pyarrow Table) and the snapshot to record. Under
    ``mrm-gate reproduce`` the version is the recorded one; otherwise the latest."""
    path = PREFIX + uri
    pins = json.loads(os.environ.get(VERSIONS_ENV) or "{}")
    table = _open(path, pins.get(path))
    snapshot = {"path": path, "delta_version": table.version(), "sha256": digest(table, path)}
    # Read through pyarrow's own filesystem: with deltalake's default (a Python handler that
    # pyarrow's I/O threads call back into) the process now and then aborts at exit
    # ("terminate called without an active exception").
    from pyarrow import fs

    filesystem, root = fs.FileSystem.from_uri(table.table_uri)
    data = table.to_pyarrow_table(filesystem=fs.SubTreeFileSystem(root, filesystem))
    return data, snapshot
