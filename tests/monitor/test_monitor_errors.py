"""Bad input: every case exits 2 naming the file and the column, and writes nothing."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from test_monitor import data, run  # noqa: F401  (the session fixture)


def _write(tmp: Path, name: str, frame: pd.DataFrame) -> Path:
    path = tmp / f"{name}.csv"
    frame.to_csv(path, index=False)
    return path


def _drop_score(f: pd.DataFrame) -> pd.DataFrame:
    return f.drop(columns=["pd"])


def _extra_column(f: pd.DataFrame) -> pd.DataFrame:
    return f.assign(channel="online")


def _text_type(f: pd.DataFrame) -> pd.DataFrame:
    return f.assign(credit_amount=f["credit_amount"].astype(str) + " DM")


def _empty(f: pd.DataFrame) -> pd.DataFrame:
    return f.iloc[0:0]


def _duplicate(f: pd.DataFrame) -> pd.DataFrame:
    return pd.concat([f, f.iloc[[3]]], ignore_index=True)


def _nan(f: pd.DataFrame) -> pd.DataFrame:
    g = f.copy()
    g["duration_in_month"] = g["duration_in_month"].astype(float)
    g.loc[[1, 2], "duration_in_month"] = np.nan
    return g


def _inf(f: pd.DataFrame) -> pd.DataFrame:
    g = f.copy()
    g.loc[5, "pd"] = np.inf
    return g


CASES: list[tuple[str, Callable[[pd.DataFrame], pd.DataFrame], str, list[str]]] = [
    ("missing score", _drop_score, "pd", ["missing (present in"]),
    ("different columns", _extra_column, "channel", ["not in the baseline"]),
    ("different types", _text_type, "credit_amount", ["has type string, the baseline has numeric"]),
    ("empty window", _empty, "", ["window is empty"]),
    ("duplicate ids", _duplicate, "application_id", ["1 duplicate id(s)", "c-00003"]),
    ("NaN", _nan, "duration_in_month", ["2 empty, 0 NaN and 0 infinite", "2 empty"]),
    ("infinite", _inf, "pd", ["0 empty, 0 NaN and 1 infinite"]),
]


@pytest.mark.parametrize(("case", "change", "column", "words"), CASES, ids=[c[0] for c in CASES])
def test_bad_current_window(
    data: dict[str, Any],  # noqa: F811
    tmp_path: Path,
    case: str,
    change: Callable[[pd.DataFrame], pd.DataFrame],
    column: str,
    words: list[str],
) -> None:
    bad = _write(tmp_path, "bad", change(data["frames"]["cur"]))
    result, out, report = run({**data, "bad": bad}, tmp_path, current="bad")
    assert result.exit_code == 2, result.output
    assert str(bad) in result.output
    if column:
        assert f"column {column!r}" in result.output
    for word in words[:1]:
        assert word in result.output
    assert not out.exists() and not report.exists()


def test_nan_in_a_float_column_is_counted_as_nan(
    data: dict[str, Any],  # noqa: F811
    tmp_path: Path,
) -> None:
    frame = data["frames"]["cur"].copy()
    frame.loc[[0, 7, 9], "pd"] = np.nan
    path = tmp_path / "nan.parquet"
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(frame, preserve_index=False)
    position = table.column_names.index("pd")
    # Built from numpy, so NaN stays NaN (pandas would write it as empty).
    table = table.set_column(position, "pd", pa.array(frame["pd"].to_numpy()))
    pq.write_table(table, path)
    base = tmp_path / "base.parquet"
    data["frames"]["base"].to_parquet(base, index=False)
    result, out, _ = run({**data, "nan": path, "b": base}, tmp_path, current="nan", baseline="b")
    assert result.exit_code == 2, result.output
    assert "column 'pd'" in result.output and "3 NaN" in result.output
    assert not out.exists()


def test_outcomes_dated_before_their_prediction(
    data: dict[str, Any],  # noqa: F811
    tmp_path: Path,
) -> None:
    outcomes = data["frames"]["out"].copy()
    outcomes.loc[4, "observed_at"] = outcomes.loc[4, "observed_at"] - pd.Timedelta(days=60)
    path = _write(tmp_path, "early", outcomes)
    result, out, _ = run({**data, "early": path}, tmp_path, outcomes="early")
    assert result.exit_code == 2, result.output
    assert str(path) in result.output and "column 'observed_at'" in result.output
    assert "1 outcome(s) dated before their prediction" in result.output
    assert "c-00004" in result.output
    assert not out.exists()


def test_duplicate_outcome_ids(data: dict[str, Any], tmp_path: Path) -> None:  # noqa: F811
    outcomes = data["frames"]["out"]
    path = _write(tmp_path, "dup", pd.concat([outcomes, outcomes.iloc[[0]]]))
    result, _, _ = run({**data, "dup": path}, tmp_path, outcomes="dup")
    assert result.exit_code == 2 and "column 'application_id'" in result.output


def test_a_plan_without_columns_or_bins(data: dict[str, Any], tmp_path: Path) -> None:  # noqa: F811
    doc = json.loads(json.dumps(data["bundle_doc"]))
    del doc["monitoring"]["plan"]["columns"]
    del doc["monitoring"]["plan"]["bins"]["credit_amount"]
    del doc["monitoring"]["plan"]["categories"]["purpose"]
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(doc), "utf-8")
    result, out, _ = run({**data, "bundle": path}, tmp_path)
    assert result.exit_code == 2, result.output
    for where in ("columns", "bins.credit_amount", "categories.purpose"):
        assert f"$.monitoring.plan.{where}" in result.output
    assert not out.exists()


def test_missing_file_and_unknown_format(data: dict[str, Any], tmp_path: Path) -> None:  # noqa: F811
    result, _, _ = run({**data, "gone": tmp_path / "gone.csv"}, tmp_path, current="gone")
    assert result.exit_code == 2 and "does not exist" in result.output
    odd = tmp_path / "window.xlsx"
    odd.write_text("x", "utf-8")
    result, _, _ = run({**data, "odd": odd}, tmp_path, current="odd")
    assert result.exit_code == 2 and "cannot tell the format" in result.output


def test_engine_failure_is_exit_3(data: dict[str, Any], tmp_path: Path) -> None:  # noqa: F811
    result, out, _ = run(data, tmp_path, "--opa-bin", str(tmp_path / "no-opa"))
    assert result.exit_code == 3, result.output
    assert not out.exists()
