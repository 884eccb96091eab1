"""Reading monitoring windows (CSV or Parquet) into numpy columns, and checking them.

Every problem names the file and the column, and the CLI turns it into exit 2. Nothing is
dropped quietly: NaN, infinite and empty numeric values are counted and refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from gate.errors import EvidenceError, Problem, UsageError

FloatArray = npt.NDArray[np.float64]
ObjArray = npt.NDArray[np.object_]
TimeArray = npt.NDArray[np.datetime64]

# Column kinds compared between the baseline and the current window.
NUMERIC, STRING, BOOLEAN, TIME, EMPTY = "numeric", "string", "boolean", "time", "empty"
CSV, PARQUET = "csv", "parquet"


def _col(name: str) -> str:
    return f"column {name!r}"


@dataclass
class Table:
    """One input file: its label, row count, and each column with its kind."""

    label: str
    rows: int
    kinds: dict[str, str]
    _raw: Any  # the pyarrow table

    def has(self, name: str) -> bool:
        return name in self.kinds

    def require(self, name: str, what: str) -> None:
        if name not in self.kinds:
            raise EvidenceError(
                f"{self.label}: no {what} column {name!r}",
                [Problem(self.label, _col(name), f"missing {what} column", _fix_missing(self))],
                hint="export the column named in the bundle's monitoring.plan.columns",
            )

    def numeric(self, name: str) -> FloatArray:
        """The column as float64; refuses empty, NaN and infinite values, with counts."""
        self.require(name, "numeric")
        if self.kinds[name] not in (NUMERIC, BOOLEAN):
            raise _bad(self, name, f"has type {self.kinds[name]}, a number is needed")
        col = self._raw.column(name)
        nulls = int(col.null_count)
        values = np.asarray(col.to_numpy(zero_copy_only=False), dtype=np.float64)
        nans = int(np.isnan(values).sum()) - nulls
        infs = int(np.isinf(values).sum())
        if nulls or nans or infs:
            raise not_finite(self.label, name, (nulls, nans, infs), self.rows)
        return values

    def strings(self, name: str) -> ObjArray:
        """The column as Python strings, ``None`` where empty."""
        self.require(name, "text")
        import pyarrow as pa  # type: ignore[import-untyped]
        import pyarrow.compute as pc  # type: ignore[import-untyped]

        col = self._raw.column(name)
        if not pa.types.is_string(col.type) and not pa.types.is_large_string(col.type):
            col = pc.cast(col, pa.string())
        out = np.asarray(col.to_pylist(), dtype=object)
        out[out == ""] = None
        return out

    def ids(self, name: str) -> ObjArray:
        """The id column as strings; refuses empty and duplicate ids."""
        values = self.strings(name)
        empty = int(sum(v is None for v in values))
        if empty:
            raise empty_ids(self.label, name, empty)
        uniq, counts = np.unique(values.astype(str), return_counts=True)
        dup = uniq[counts > 1]
        if len(dup):
            raise duplicate_ids(self.label, name, len(dup), [str(d) for d in dup[:5]])
        return values

    def times(self, name: str) -> TimeArray:
        """The column as datetime64[s]; refuses empty or unparseable values."""
        self.require(name, "time")
        import pyarrow as pa

        col = self._raw.column(name)
        if col.null_count:
            raise _bad(self, name, f"{col.null_count} empty time value(s)")
        try:
            if pa.types.is_timestamp(col.type) or pa.types.is_date(col.type):
                arr = col.to_numpy(zero_copy_only=False).astype("datetime64[s]")
            else:
                text = [str(v).replace("Z", "").replace("+00:00", "") for v in col.to_pylist()]
                arr = np.array(text, dtype="datetime64[s]")
        except (ValueError, TypeError) as exc:
            raise _bad(self, name, f"has values that are not dates or times ({exc})") from None
        return np.asarray(arr, dtype="datetime64[s]")


def not_finite(label: str, name: str, bad: tuple[int, int, int], rows: int) -> EvidenceError:
    nulls, nans, infs = bad
    return bad_column(
        label,
        name,
        f"{nulls} empty, {nans} NaN and {infs} infinite value(s) out of {rows} rows",
        "repair or impute these values upstream; the gate never drops rows silently",
    )


def empty_ids(label: str, name: str, empty: int) -> EvidenceError:
    return bad_column(label, name, f"{empty} empty id(s)", "give every prediction an id")


def duplicate_ids(label: str, name: str, count: int, examples: list[str]) -> EvidenceError:
    return bad_column(
        label,
        name,
        f"{count} duplicate id(s), for example {', '.join(examples)}",
        "deduplicate the window: one row per prediction",
    )


def _fix_missing(table: Table) -> str:
    return "columns present: " + ", ".join(sorted(table.kinds)[:30])


def _bad(table: Table, name: str, message: str, fix: str = "") -> EvidenceError:
    return bad_column(table.label, name, message, fix)


def bad_column(label: str, name: str, message: str, fix: str = "") -> EvidenceError:
    return EvidenceError(
        f"{label}: {_col(name)} {message}", [Problem(label, _col(name), message, fix)]
    )


def _kind(dtype: Any) -> str:
    import pyarrow as pa

    if pa.types.is_boolean(dtype):
        return BOOLEAN
    if pa.types.is_integer(dtype) or pa.types.is_floating(dtype) or pa.types.is_decimal(dtype):
        return NUMERIC
    if pa.types.is_timestamp(dtype) or pa.types.is_date(dtype):
        return TIME
    if pa.types.is_null(dtype):
        return EMPTY
    return STRING


def read_table(path: Path, role: str) -> Table:
    """Read a CSV (``.csv``, ``.csv.gz``) or Parquet (``.parquet``, ``.pq``) file."""
    try:
        import pyarrow.csv as pcsv  # type: ignore[import-untyped]
        import pyarrow.parquet as pq  # type: ignore[import-untyped]
    except ImportError:  # pragma: no cover - the monitoring extra installs it
        raise UsageError(
            "reading monitoring data needs pyarrow", hint="pip install 'mrm-gate[monitoring]'"
        ) from None
    import pyarrow as pa

    label = str(path)
    try:
        if file_format(path, role) == PARQUET:
            raw = pq.read_table(path)
        else:
            raw = pcsv.read_csv(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise EvidenceError(
            f"{label}: cannot read the {role} file",
            [Problem(label, "$", str(exc).splitlines()[0] if str(exc) else type(exc).__name__)],
        ) from None
    dupes = sorted({c for c in raw.column_names if raw.column_names.count(c) > 1})
    if dupes:
        raise EvidenceError(
            f"{label}: repeated column name(s) {', '.join(dupes)}",
            [Problem(label, _col(c), "column name appears more than once") for c in dupes],
        )
    table = Table(label, raw.num_rows, {f.name: _kind(f.type) for f in raw.schema}, raw)
    if table.rows == 0:
        raise empty_window(label, role)
    return table


def empty_window(label: str, role: str) -> EvidenceError:
    return EvidenceError(
        f"{label}: the {role} window is empty",
        [Problem(label, "$", "no rows", "export at least one row for the period")],
    )


def file_format(path: Path, role: str) -> str:
    """``csv`` or ``parquet`` by the file's name; refuses a missing file or another name."""
    if not path.is_file():
        raise UsageError(f"{path}: the {role} file does not exist")
    name = path.name.lower()
    if name.endswith((".parquet", ".pq")):
        return PARQUET
    if name.endswith((".csv", ".csv.gz")):
        return CSV
    raise UsageError(
        f"{path}: cannot tell the format of the {role} file",
        hint="name it .csv, .csv.gz, .parquet or .pq",
    )


def check_same_shape(baseline: Table, current: Table) -> None:
    """Baseline and current must carry the same columns with the same kinds."""
    problems: list[Problem] = []
    problems += [
        Problem(current.label, _col(name), f"missing (present in {baseline.label})")
        for name in sorted(set(baseline.kinds) - set(current.kinds))
    ]
    problems += [
        Problem(current.label, _col(name), f"not in the baseline {baseline.label}")
        for name in sorted(set(current.kinds) - set(baseline.kinds))
    ]
    for name in sorted(set(baseline.kinds) & set(current.kinds)):
        b, c = baseline.kinds[name], current.kinds[name]
        if b != c and EMPTY not in (b, c):
            problems.append(
                Problem(current.label, _col(name), f"has type {c}, the baseline has {b}")
            )
    if problems:
        raise EvidenceError(
            f"{current.label}: the current window does not match the baseline {baseline.label}",
            problems,
            hint="export both windows with the same columns and types",
        )
