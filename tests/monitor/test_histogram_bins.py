"""DuckDB's native histogram, read as the frozen bins (closed on the left), counts exactly
what a comparison per edge counts, ties on an edge and signed zeros included."""

from __future__ import annotations

import duckdb
import pytest

from gate.monitor.engines import DuckDBEngine, bin_counts_of

VALUES = [-5.0, -1.0, -1.0, -0.0, 0.0, 0.5, 1.0, 1.0, 2.0, 7.0, 1e308, -1e308]


def histogram(values: list[float], inner: list[float], column_type: str = "DOUBLE") -> list[int]:
    expr = DuckDBEngine.bins('"x"', inner)
    assert expr is not None
    con = duckdb.connect(":memory:")
    con.execute(f'CREATE TABLE t ("x" {column_type})')
    con.executemany("INSERT INTO t VALUES (?)", [(v,) for v in values])
    (found,) = con.execute(f"SELECT {expr} FROM t").fetchone() or (None,)
    return bin_counts_of(found, inner, len(values))


def test_ties_fall_in_the_bin_above_their_edge() -> None:
    # bins: x < -1 | -1 <= x < 0 | 0 <= x < 1 | x >= 1, counted by hand from VALUES
    assert histogram(VALUES, [-1.0, 0.0, 1.0]) == [2, 2, 3, 5]


def test_an_empty_bin_is_zero() -> None:
    assert histogram([0.1, 0.2, 3.0], [1.0, 2.0]) == [2, 0, 1]


def test_integer_columns_and_integer_edges() -> None:
    assert histogram([1, 2, 2, 3, 10], [2, 3], "BIGINT") == [1, 2, 2]


@pytest.mark.parametrize("column_type", ["FLOAT", "DECIMAL(6, 3)"])
def test_narrow_and_decimal_columns_are_compared_as_doubles(column_type: str) -> None:
    # 0.1 is not exact in FLOAT or DOUBLE alike; the edge is the DOUBLE 0.25, exact in both
    assert histogram([0.1, 0.25, 0.25, 0.5], [0.25], column_type) == [1, 3]


def test_no_inner_edge_needs_no_histogram() -> None:
    assert DuckDBEngine.bins('"x"', []) is None
