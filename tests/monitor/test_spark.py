"""The same monitoring SQL on Apache Spark (PySpark, local[*]) gives DuckDB's figures to the
last printed digit, from Parquet and from CSV."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from test_monitor import data, run  # noqa: F401  (the session fixture)


def _spark_parquet(frame: Any, path: Path) -> Path:
    # Spark reads no nanosecond Parquet timestamps; pandas writes them by default.
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path, coerce_timestamps="us")
    return path


def _report(
    data: dict[str, Any],  # noqa: F811
    tmp: Path,
    engine: str,
    *extra: str,
    **files: Any,
) -> tuple[int, dict[str, Any], str]:
    result, out, report = run(data, tmp / engine, "--engine", engine, *extra, **files)
    assert result.exit_code in (0, 1), result.output
    doc = json.loads(report.read_text("utf-8"))
    assert doc.pop("engine") == engine
    return result.exit_code, doc, out.read_text("utf-8")


@pytest.fixture(scope="module")
def spark_data(data: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:  # noqa: F811
    d = tmp_path_factory.mktemp("spark")
    more = dict(data)
    for name in ("base", "cur", "out", "drift", "dout"):
        more[f"{name}_spq"] = _spark_parquet(data["frames"][name], d / f"{name}.parquet")
    return more


PARQUET = {"current": "cur_spq", "baseline": "base_spq", "outcomes": "out_spq"}
DRIFTED = {"current": "drift_spq", "baseline": "base_spq", "outcomes": "dout_spq"}


@pytest.mark.parametrize(
    ("extra", "files"),
    [((), PARQUET), (("--as-of", "2026-11-15"), DRIFTED), ((), {})],
    ids=["parquet", "drifted parquet, label delay", "csv"],
)
def test_spark_gives_duckdbs_figures(
    spark_data: dict[str, Any], tmp_path: Path, extra: tuple[str, ...], files: dict[str, Any]
) -> None:
    duck = _report(spark_data, tmp_path, "duckdb", *extra, **files)
    spark = _report(spark_data, tmp_path, "spark", *extra, **files)
    # The report (every bin, rate and metric as printed) and the written bundle.
    assert spark == duck


def test_spark_refuses_duplicate_ids_like_duckdb(
    spark_data: dict[str, Any], tmp_path: Path
) -> None:
    cur = spark_data["frames"]["cur"]
    import pandas as pd

    path = _spark_parquet(pd.concat([cur, cur.iloc[[3]]], ignore_index=True), tmp_path / "d.pq")
    outputs = []
    for engine in ("duckdb", "spark"):
        result, out, _ = run(
            {**spark_data, "dup": path},
            tmp_path / engine,
            "--engine",
            engine,
            current="dup",
            baseline="base_spq",
            outcomes="out_spq",
        )
        assert result.exit_code == 2, result.output
        assert not out.exists()
        outputs.append(result.output)
    assert outputs[0] == outputs[1]
    assert "1 duplicate id(s), for example c-00003" in outputs[1]
