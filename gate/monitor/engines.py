"""SQL engines the streaming monitor runs on: DuckDB on this machine, Apache Spark anywhere.

Each engine registers the input files as views and answers queries; the queries themselves
(:mod:`gate.monitor.streaming`) are the same text for both, save identifier and string
quoting and the name of the string type. Neither engine loads a window into Python: DuckDB
scans the files in parallel within a memory limit (spilling to a temporary folder beyond
it), Spark reads them on its executors.
"""

from __future__ import annotations

import contextlib
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from gate.errors import EngineError, EvidenceError, Problem, UsageError
from gate.monitor.tables import BOOLEAN, EMPTY, NUMERIC, PARQUET, STRING, TIME, file_format

# Column kind and whether the column is floating point (so may hold NaN or infinity).
Schema = dict[str, tuple[str, bool]]

DEFAULT_MEMORY_LIMIT = "1GB"


class SqlEngine(Protocol):
    name: str
    string_type: str

    def ident(self, name: str) -> str: ...

    def literal(self, text: str) -> str: ...

    def bins(self, value: str, inner: list[float]) -> str | None:
        """One aggregate of ``value``'s exact bin counts (see :func:`bin_counts_of`), or
        None where the engine has none (then a ``CASE`` per edge counts them)."""
        ...

    def schema(self, view: str) -> Schema: ...

    def one(self, sql: str) -> tuple[Any, ...]: ...

    def rows(self, sql: str) -> list[tuple[Any, ...]]: ...

    def arrow(self, sql: str) -> Any: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class _TypeNames:
    """An engine's names for the column types (upper case); the rest is common SQL."""

    floats: frozenset[str]
    ints: frozenset[str]
    nulls: frozenset[str]

    def kind(self, sql_type: str) -> tuple[str, bool]:
        t = sql_type.upper()
        if t == "BOOLEAN":
            return BOOLEAN, False
        if t in self.floats:
            return NUMERIC, True
        if t in self.ints or t.startswith("DECIMAL"):
            return NUMERIC, False
        if t.startswith("TIMESTAMP") or t == "DATE":
            return TIME, False
        if t in self.nulls:
            return EMPTY, False
        return STRING, False


_INTS = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT")
_DUCK_TYPES = _TypeNames(
    floats=frozenset({"FLOAT", "DOUBLE", "REAL"}),
    ints=frozenset({*_INTS, "HUGEINT", "UHUGEINT", *("U" + t for t in _INTS)}),
    nulls=frozenset({'"NULL"', "NULL"}),
)
_SPARK_TYPES = _TypeNames(
    floats=frozenset({"FLOAT", "DOUBLE"}),
    ints=frozenset({"TINYINT", "SMALLINT", "INT", "BIGINT"}),
    nulls=frozenset({"VOID", "NULL"}),
)


def _double_list(values: list[float]) -> str:
    return "[" + ", ".join(f"CAST({float(v)!r} AS DOUBLE)" for v in values) + "]"


def bin_counts_of(histogram: dict[float, int] | None, inner: list[float], rows: int) -> list[int]:
    """The counts of the frozen bins ``x < e1``, ``e1 <= x < e2``, ..., ``x >= em`` from
    DuckDB's ``histogram(-x, [-em, ..., -e1])``.

    DuckDB's bins are closed on the right (``b(j-1) < v <= b(j)``); over ``v = -x`` they
    are ``e(k) <= x < e(k+1)``, closed on the left like the frozen bins, so the counts are
    exact, ties on an edge included. The key ``-e(k)`` holds bin k; the bin below the first
    edge is what remains of the rows (the column has no empty or NaN value by then).
    """
    found = histogram or {}
    upper = [int(found.get(-float(e), 0)) for e in inner]
    return [rows - sum(upper), *upper]


class DuckDBEngine:
    """DuckDB over the files themselves, within ``memory_limit`` (it spills beyond)."""

    name = "duckdb"
    string_type = "VARCHAR"

    def __init__(self, files: dict[str, tuple[Path, str]], memory_limit: str) -> None:
        try:
            import duckdb
        except ImportError:  # pragma: no cover - the monitoring extra installs it
            raise UsageError(
                "--engine duckdb needs duckdb", hint="pip install 'mrm-gate[monitoring]'"
            ) from None
        self._duckdb = duckdb
        self._spill = tempfile.TemporaryDirectory(prefix="mrm-gate-duckdb-")
        self._labels = [str(path) for path, _ in files.values()]
        config: dict[str, str | bool | int | float | list[str]] = {
            "memory_limit": memory_limit,
            "temp_directory": self._spill.name,
            "preserve_insertion_order": False,
        }
        try:
            self._con = duckdb.connect(":memory:", config=config)
        except duckdb.Error as exc:
            self._spill.cleanup()
            raise UsageError(f"DuckDB refused its settings: {exc}") from None
        self._con.execute("SET TimeZone = 'UTC'")
        # Parquet min/max statistics leave NaN out, and DuckDB 2.0 folds ``isnan(x)`` (and
        # ``x = 'NaN'``) to false from them: NaN in a Parquet column would pass unseen.
        self._con.execute("SET disabled_optimizers = 'statistics_propagation'")
        for view, (path, role) in files.items():
            text = str(path).replace("'", "''")
            source = (
                f"read_parquet('{text}')"
                if file_format(path, role) == PARQUET
                else f"read_csv('{text}', header = true)"
            )
            self._run(f'CREATE VIEW "{view}" AS SELECT * FROM {source}', [str(path)])

    def ident(self, name: str) -> str:
        return '"' + name.replace('"', '""') + '"'

    def literal(self, text: str) -> str:
        return "'" + text.replace("'", "''") + "'"

    @staticmethod
    def bins(value: str, inner: list[float]) -> str | None:
        if not inner:
            return None
        boundaries = _double_list([-float(e) for e in reversed(inner)])
        return f"histogram(-CAST({value} AS DOUBLE), {boundaries})"

    def _run(self, sql: str, labels: list[str] | None = None, arrow: bool = False) -> Any:
        duckdb = self._duckdb
        try:
            if arrow:
                return self._con.sql(sql).to_arrow_reader().read_all()
            return self._con.execute(sql)
        except (duckdb.ConversionException, duckdb.InvalidInputException) as exc:
            files = ", ".join(labels or self._labels)
            first = str(exc).splitlines()[0]
            raise EvidenceError(
                f"{files}: cannot read the monitoring data",
                [Problem(files, "$", first)],
                hint="export the windows as well-formed CSV or Parquet with one type per column",
            ) from None
        except duckdb.Error as exc:
            raise EngineError(
                f"DuckDB failed: {str(exc).splitlines()[0]}",
                hint="raise --memory-limit or free disk space for DuckDB to spill to",
            ) from None

    def schema(self, view: str) -> Schema:
        described = self._run(f"DESCRIBE SELECT * FROM {self.ident(view)}").fetchall()
        return {str(r[0]): _DUCK_TYPES.kind(str(r[1])) for r in described}

    def one(self, sql: str) -> tuple[Any, ...]:
        return self.rows(sql)[0]

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in self._run(sql).fetchall()]

    def arrow(self, sql: str) -> Any:
        return self._run(sql, arrow=True)  # the matured rows only

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._con.close()
        self._spill.cleanup()


class SparkEngine:
    """Spark SQL on the session of ``master`` (``local[*]`` or a cluster URL)."""

    name = "spark"
    string_type = "STRING"

    def __init__(self, files: dict[str, tuple[Path, str]], master: str) -> None:
        try:
            from pyspark.sql import SparkSession
        except ImportError:
            raise UsageError(
                "--engine spark needs pyspark", hint="pip install 'mrm-gate[spark]'"
            ) from None
        builder = SparkSession.builder.master(master).appName("mrm-gate monitor")
        builder = builder.config("spark.sql.session.timeZone", "UTC")
        builder = builder.config("spark.ui.enabled", "false")
        self._spark = self._guard(builder.getOrCreate)
        for view, (path, role) in files.items():
            reader = self._spark.read
            if file_format(path, role) == PARQUET:
                frame = self._guard(lambda r=reader, p=path: r.parquet(str(p)))
            else:
                frame = self._guard(
                    lambda r=reader, p=path: r.options(header=True, inferSchema=True).csv(str(p))
                )
            frame.createOrReplaceTempView(view)

    @staticmethod
    def _guard(call: Any) -> Any:
        try:
            return call()
        except Exception as exc:  # py4j and pyspark raise many types; all are engine faults
            raise EngineError(
                f"Spark failed: {str(exc).strip().splitlines()[0][:500]}",
                hint="check --spark-master and that the files are readable from the cluster",
            ) from None

    def ident(self, name: str) -> str:
        return "`" + name.replace("`", "``") + "`"

    def literal(self, text: str) -> str:
        return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"

    @staticmethod
    def bins(value: str, inner: list[float]) -> str | None:
        return None  # Spark's histogram_numeric is approximate

    def schema(self, view: str) -> Schema:
        fields = self._guard(lambda: self._spark.table(view).schema.fields)
        return {f.name: _SPARK_TYPES.kind(f.dataType.simpleString()) for f in fields}

    def one(self, sql: str) -> tuple[Any, ...]:
        return tuple(self.rows(sql)[0])

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in self._guard(lambda: self._spark.sql(sql).collect())]

    def arrow(self, sql: str) -> Any:
        return self._guard(lambda: self._spark.sql(sql).toArrow())

    def close(self) -> None:
        # The session is left to the process: stopping it would make a second run in the
        # same process (a notebook, the tests) start a new JVM.
        return None
