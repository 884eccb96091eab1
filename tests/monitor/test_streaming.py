"""The streaming engine (DuckDB over the files) gives the in-memory path's figures exactly,
and refuses bad windows with the same messages."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from test_monitor import data, run  # noqa: F401  (the session fixture)


def figures(
    data: dict[str, Any],  # noqa: F811
    tmp: Path,
    engine: str,
    *extra: str,
    **files: Any,
) -> tuple[int, dict[str, Any]]:
    """Exit code and the whole report of one run, without the engine's name."""
    result, _, report = run(data, tmp / engine, "--engine", engine, *extra, **files)
    assert result.exit_code in (0, 1), result.output
    doc = json.loads(report.read_text("utf-8"))
    assert doc.pop("engine") == engine
    return result.exit_code, doc


SCENARIOS: list[tuple[str, tuple[str, ...], dict[str, Any]]] = [
    ("undrifted csv", (), {}),
    ("undrifted parquet", (), {"current": "cur_pq", "baseline": "base_pq", "outcomes": "out_pq"}),
    ("drifted, many overrides", (), {"current": "drift", "outcomes": "dout"}),
    ("training baseline", (), {"baseline": "train"}),
    ("no outcomes", (), {"outcomes": None}),
    ("label delay", ("--as-of", "2026-11-15"), {}),
    ("given period", ("--period-start", "2026-10-01", "--period-end", "2026-10-31"), {}),
]


@pytest.mark.parametrize(("case", "extra", "files"), SCENARIOS, ids=[s[0] for s in SCENARIOS])
def test_streaming_report_equals_the_in_memory_report(
    data: dict[str, Any],  # noqa: F811
    tmp_path: Path,
    case: str,
    extra: tuple[str, ...],
    files: dict[str, Any],
) -> None:
    memory = figures(data, tmp_path, "numpy", *extra, **files)
    streamed = figures(data, tmp_path, "duckdb", *extra, **files)
    assert streamed == memory


def test_the_label_delay_scenario_really_leaves_rows_out(
    data: dict[str, Any],  # noqa: F811
    tmp_path: Path,
) -> None:
    # Guards the equality above against both engines ignoring the delay alike.
    _, doc = figures(data, tmp_path, "duckdb", "--as-of", "2026-11-15")
    assert 0 < doc["outcomes"]["excluded_not_matured"] < 300


def _ties_and_text_times(frame: pd.DataFrame) -> pd.DataFrame:
    """Scores rounded to two places (many ties across calibration groups) and prediction
    times written as RFC 3339 text with a Z."""
    g = frame.copy()
    g["pd"] = g["pd"].round(2)
    g["scored_at"] = pd.to_datetime(g["scored_at"]).dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    return g


def test_ties_and_text_times_give_the_same_figures(
    data: dict[str, Any],  # noqa: F811
    tmp_path: Path,
) -> None:
    paths = {}
    for name in ("base", "cur"):
        paths[name] = tmp_path / f"{name}-ties.csv"
        _ties_and_text_times(data["frames"][name]).to_csv(paths[name], index=False)
    files = {"current": "cur_t", "baseline": "base_t"}
    more = {**data, "cur_t": paths["cur"], "base_t": paths["base"]}
    memory = figures(more, tmp_path, "numpy", **files)
    streamed = figures(more, tmp_path, "duckdb", **files)
    assert streamed == memory
    assert len({r["predicted"] for r in streamed[1]["outcomes"]["calibration"]}) > 1


def _write(tmp: Path, name: str, frame: pd.DataFrame) -> Path:
    path = tmp / f"{name}.csv"
    frame.to_csv(path, index=False)
    return path


def _errors(
    data: dict[str, Any],  # noqa: F811
    tmp: Path,
    **files: Any,
) -> tuple[str, str]:
    outputs = []
    for engine in ("numpy", "duckdb"):
        result, out, _ = run(data, tmp / engine, "--engine", engine, **files)
        assert result.exit_code == 2, result.output
        assert not out.exists()
        outputs.append(result.output)
    return outputs[0], outputs[1]


def test_bad_windows_are_refused_with_the_same_message(
    data: dict[str, Any],  # noqa: F811
    tmp_path: Path,
) -> None:
    cur = data["frames"]["cur"]
    bad = {
        "dup": pd.concat([cur, cur.iloc[[8, 3, 8]]], ignore_index=True),
        "nan": cur.assign(
            duration_in_month=np.where(cur.index.isin([1, 2]), np.nan, cur["duration_in_month"])
        ),
        "inf": cur.assign(pd=np.where(cur.index == 5, np.inf, cur["pd"])),
        "nodecision": cur.assign(decision=np.where(cur.index == 9, "", cur["decision"])),
        "override": cur.assign(override=np.where(cur.index == 2, 2, cur["override"])),
        "empty": cur.iloc[0:0],
    }
    for name, frame in bad.items():
        path = _write(tmp_path, name, frame)
        memory, streamed = _errors({**data, name: path}, tmp_path / name, current=name)
        assert streamed == memory, name
        assert str(path) in streamed


def test_bad_outcomes_are_refused_with_the_same_message(
    data: dict[str, Any],  # noqa: F811
    tmp_path: Path,
) -> None:
    out = data["frames"]["out"]
    early = out.copy()
    early.loc[[4, 40], "observed_at"] = early.loc[[4, 40], "observed_at"] - pd.Timedelta(days=60)
    bad = {
        "early": early,
        "dup": pd.concat([out, out.iloc[[0]]], ignore_index=True),
        "notflag": out.assign(bad=np.where(out.index == 3, 5, out["bad"])),
    }
    for name, frame in bad.items():
        path = _write(tmp_path, name, frame)
        memory, streamed = _errors({**data, name: path}, tmp_path / name, outcomes=name)
        assert streamed == memory, name
