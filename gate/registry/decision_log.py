"""The production decision log: every decision a served model makes, in Parquet files
queried with DuckDB (the embedded default; the ``monitoring`` extra).

One row per decision: ``decision_id``, ``decided_at`` (RFC 3339 UTC), ``model_name``,
``model_version``, ``input_digest`` (sha256 of the canonical JSON of the inputs), ``score``,
``decision``, ``overrides`` (JSON, ``[]`` when none) and ``features`` (the inputs, JSON).
:func:`window` gives ``mrm-gate monitor`` the decisions of one model version as its current
window, so production is monitored for the version that made the decisions. A scoring
service appends a batch as one new file (files are never rewritten, so a reader never sees
half a batch). At scale the same columns go to a warehouse table (for example a Delta or
Iceberg table, or a SQL table the DuckDB ``postgres``/``delta`` extensions read):
:func:`find`, :func:`summary` and :func:`window` are one SQL query each over
``read_parquet``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from gate.errors import EngineError, UsageError

# How the scoring service writes decided_at (UTC, one-second resolution).
LOGGED_TIME = "%Y-%m-%dT%H:%M:%SZ"

COLUMNS = (
    "decision_id",
    "decided_at",
    "model_name",
    "model_version",
    "input_digest",
    "score",
    "decision",
    "overrides",
    "features",
)


def input_digest(features: Mapping[str, Any]) -> str:
    """``sha256:<hex>`` of the canonical JSON of one decision's inputs."""
    text = json.dumps(features, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def append(directory: Path, rows: Sequence[Mapping[str, Any]]) -> Path:
    """Write ``rows`` as one new Parquet file in ``directory``; returns its path."""
    import pyarrow as pa  # type: ignore[import-untyped]
    import pyarrow.parquet as pq  # type: ignore[import-untyped]

    missing = [c for c in COLUMNS if rows and c not in rows[0]]
    if not rows or missing:
        raise UsageError(f"decision log rows need the columns {', '.join(COLUMNS)}")
    table = pa.table(
        {
            c: pa.array(
                [float(r[c]) if c == "score" else str(r[c]) for r in rows],
                pa.float64() if c == "score" else pa.string(),
            )
            for c in COLUMNS
        }
    )
    directory.mkdir(parents=True, exist_ok=True)
    first = str(rows[0]["decision_id"])
    path = directory / f"decisions-{first}.parquet"
    tmp = path.with_suffix(".parquet.tmp")
    pq.write_table(table, tmp)
    tmp.replace(path)
    return path


def _query(directory: Path, sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    import duckdb

    if not directory.is_dir() or not any(directory.glob("*.parquet")):
        raise UsageError(
            f"no decision log in {directory}",
            hint="point --log at the directory the scoring service writes",
        )
    pattern = str(directory / "*.parquet")
    try:
        with duckdb.connect() as con:
            return con.execute(sql.replace("LOG", "read_parquet(?)"), [pattern, *params]).fetchall()
    except duckdb.Error as exc:
        raise EngineError(f"cannot read the decision log {directory}: {exc}") from exc


def find(directory: Path, decision_id: str) -> dict[str, Any]:
    """The one logged decision with this id (exit 2 when absent or not unique)."""
    rows = _query(
        directory, f"SELECT {', '.join(COLUMNS)} FROM LOG WHERE decision_id = ?", [decision_id]
    )
    if len(rows) != 1:
        what = "not in" if not rows else f"{len(rows)} times in"
        raise UsageError(f"decision {decision_id} is {what} the decision log {directory}")
    row = dict(zip(COLUMNS, rows[0], strict=True))
    row["overrides"] = _logged_json(directory, decision_id, "overrides", row["overrides"], list)
    return row


def _logged_json(directory: Path, decision_id: str, column: str, text: Any, kind: type) -> Any:
    """A JSON column of one logged decision, of the type the scoring service writes
    (overrides a list, features an object); anything else: exit 2 naming the row."""
    try:
        value = json.loads(text) if isinstance(text, str) else None
    except ValueError:
        value = None
    if not isinstance(value, kind):
        raise UsageError(
            f"the decision log {directory}: decision {decision_id}: {column} is not a JSON "
            f"{'array' if kind is list else 'object'} ({str(text)[:40]!r})",
            hint="the scoring service writes the log (gate.registry.decision_log.append); "
            "repair or remove that decision's row",
        )
    return value


def _decision_times(directory: Path, rows: list[tuple[Any, ...]]) -> Any:
    """The decided_at column as timestamps; one not in the log's format: exit 2."""
    import pyarrow as pa
    import pyarrow.compute as pc  # type: ignore[import-untyped]

    for row in rows:
        try:
            datetime.strptime(row[1], LOGGED_TIME)
        except (TypeError, ValueError):
            raise UsageError(
                f"the decision log {directory}: decision {row[0]}: decided_at {row[1]!r} is "
                "not a UTC time YYYY-MM-DDTHH:MM:SSZ",
                hint="the scoring service writes the log (gate.registry.decision_log.append); "
                "repair or remove that decision's row",
            ) from None
    return pc.strptime(pa.array([r[1] for r in rows]), format=LOGGED_TIME, unit="s")


def summary(directory: Path, model: str, version: str) -> dict[str, Any]:
    """How many production decisions a model version made, and when the first and last."""
    ((count, first, last),) = _query(
        directory,
        "SELECT count(*), min(decided_at), max(decided_at) FROM LOG "
        "WHERE model_name = ? AND model_version = ?",
        [model, version],
    )
    return {"count": int(count), "first_decision_at": first, "last_decision_at": last}


def window(directory: Path, model: str, version: str, plan: Any, out: Path) -> int:
    """Write the decisions of ``model`` ``version`` as a monitoring window (Parquet) with the
    plan's column names: id, score, prediction time, decision, override (1 when overridden)
    and one column per logged input. Returns the number of decisions (none: exit 2)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = _query(
        directory,
        "SELECT decision_id, decided_at, score, decision, overrides, features FROM LOG "
        "WHERE model_name = ? AND model_version = ? ORDER BY decided_at, decision_id",
        [model, version],
    )
    if not rows:
        raise UsageError(
            f"the decision log {directory} has no decision of {model} version {version}",
            hint="point --decision-log at the log of the service that serves this version",
        )
    when = _decision_times(directory, rows)
    columns: dict[str, Any] = {
        plan.id_col: [r[0] for r in rows],
        plan.score_col: [r[2] for r in rows],
    }
    if plan.time_col:
        columns[plan.time_col] = when
    if plan.decision_col:
        columns[plan.decision_col] = [r[3] for r in rows]
    if plan.override_col:
        columns[plan.override_col] = [
            0 if _logged_json(directory, r[0], "overrides", r[4], list) == [] else 1 for r in rows
        ]
    inputs = [_logged_json(directory, r[0], "features", r[5], dict) for r in rows]
    for name in sorted(set().union(*inputs)):
        if name in columns:
            raise UsageError(f"decision log input {name!r} has the name of a plan column")
        columns[name] = [i.get(name) for i in inputs]
    pq.write_table(pa.table(columns), out)
    return len(rows)
