"""The stability aggregation as portable SQL.

The SQL uses only ``CASE``, ``COUNT``, ``SUM``, ``GROUP BY``, ``LN`` and ``GREATEST``, which
DuckDB, Spark SQL, Trino and BigQuery all accept, so data too large for one machine can be
aggregated by a distributed engine with the same text: register the window as a table or
view (``baseline`` and ``current``) and run :func:`psi_sql`. ``mrm-gate monitor`` itself
runs the one-pass form of :mod:`gate.monitor.streaming` on DuckDB or Spark.
"""

from __future__ import annotations

from pathlib import Path

from gate.monitor.stats import EPS


def bin_case(column: str, edges: list[float], q: str = '"') -> str:
    """``CASE`` giving the 0-based bin of ``column`` for frozen ``edges`` (same rule as
    :func:`gate.monitor.stats.bin_index`)."""
    col = f"{q}{column}{q}"
    inner = edges[1:-1]
    if not inner:
        return "0"
    whens = " ".join(f"WHEN {col} < {float(e)!r} THEN {i}" for i, e in enumerate(inner))
    return f"CASE {whens} ELSE {len(inner)} END"


def bin_counts_sql(table: str, column: str, edges: list[float], q: str = '"') -> str:
    return f"SELECT {bin_case(column, edges, q)} AS bin, COUNT(*) AS n FROM {table} GROUP BY 1"


def psi_sql(column: str, edges: list[float], q: str = '"') -> str:
    """One row: the PSI of ``column`` between tables ``baseline`` and ``current``."""
    bins = " UNION ALL ".join(f"SELECT {i} AS bin" for i in range(len(edges) - 1))
    return f"""
WITH bins AS ({bins}),
b AS ({bin_counts_sql("baseline", column, edges, q)}),
c AS ({bin_counts_sql("current", column, edges, q)}),
shares AS (
  SELECT bins.bin,
         GREATEST(COALESCE(b.n, 0) / CAST((SELECT COUNT(*) FROM baseline) AS DOUBLE), {EPS!r}) AS e,
         GREATEST(COALESCE(c.n, 0) / CAST((SELECT COUNT(*) FROM current) AS DOUBLE), {EPS!r}) AS a
  FROM bins LEFT JOIN b ON b.bin = bins.bin LEFT JOIN c ON c.bin = bins.bin
)
SELECT SUM((a - e) * LN(a / e)) AS psi FROM shares""".strip()


def _source(path: Path) -> str:
    text = str(path).replace("'", "''")
    if path.name.lower().endswith((".parquet", ".pq")):
        return f"read_parquet('{text}')"
    return f"read_csv_auto('{text}')"


def run_psi_duckdb(baseline: Path, current: Path, column: str, edges: list[float]) -> float:
    """The whole PSI in SQL on DuckDB (what a distributed engine would run)."""
    import duckdb

    con = duckdb.connect(":memory:")
    try:
        con.execute(f"CREATE VIEW baseline AS SELECT * FROM {_source(baseline)}")
        con.execute(f"CREATE VIEW current AS SELECT * FROM {_source(current)}")
        row = con.execute(psi_sql(column, edges)).fetchone()
        return float(row[0]) if row else float("nan")
    finally:
        con.close()


__all__ = ["bin_case", "bin_counts_sql", "psi_sql", "run_psi_duckdb"]
