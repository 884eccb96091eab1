"""Monitoring figures for `make bench`: `mrm-gate monitor` as a whole process against one
DuckDB scan of the same files (the floor), in time and in peak memory, and its peak memory
as the windows grow.

Data: a baseline and a current window of N rows x F numeric features plus a score and a
string id, as Parquet, written in chunks (never whole in memory). The floor is a separate
Python process running one DuckDB query over both files: ``histogram(x, edges)`` of the
score and every feature with the same frozen edges, and the row and distinct-id counts, the
work the monitor cannot avoid. Peak memory is the process's maximum resident set
(``wait4``), the monitor's including its ``opa eval`` child. Memory growth is measured at
``--memory-limit 256MB``, below what either size would take unbounded, so that it shows
what the limit holds.

Evidently (its public API, ``Report([DataDriftPreset(method="psi")])`` over the two files
read with pandas) runs in a separate virtual environment, ``.tools/bench-evidently``, built
once with pinned versions: Evidently 0.7 does not import under pandas 3, which the
project's own environment has. Evidently bins by its own rule, not the frozen edges.

    .venv/bin/python scripts/bench_monitor.py --rows 2000000 --features 20 --json out.json
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
BUNDLE = ROOT / "tests" / "assets" / "bundles" / "credit-complete.json"
CHUNK = 500_000
NOW = "2026-12-01T12:00:00Z"
GROWTH_LIMIT = "256MB"
EVIDENTLY_VENV = ROOT / ".tools" / "bench-evidently"
EVIDENTLY_PINS = ["evidently==0.7.23", "pandas==2.3.3", "pyarrow==26.0.1"]
EVIDENTLY = """
import sys
import pandas as pd
from evidently import Report
from evidently.presets import DataDriftPreset
base, cur = (pd.read_parquet(path).drop(columns=["id"]) for path in sys.argv[1:3])
Report([DataDriftPreset(method="psi")]).run(current_data=cur, reference_data=base).dict()
"""


def write_window(path: Path, rows: int, features: int, shift: float, seed: int) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(seed)
    names = ["id", "score", *(f"f{i}" for i in range(features))]
    writer = None
    for start in range(0, rows, CHUNK):
        n = min(CHUNK, rows - start)
        cols: list[Any] = [pa.array([f"r{i:010d}" for i in range(start, start + n)])]
        cols.append(pa.array(rng.beta(2.0, 5.0 + shift, n)))
        cols += [pa.array(rng.normal(shift * (i % 3), 1.0, n)) for i in range(features)]
        table = pa.Table.from_arrays(cols, names=names)
        writer = writer or pq.ParquetWriter(path, table.schema)
        writer.write_table(table)
    assert writer is not None
    writer.close()


def edges_for(features: int) -> dict[str, list[float]]:
    inner = [float(x) for x in np.linspace(-1.5, 1.5, 9)]
    bins = {f"f{i}": [-4.0, *inner, 4.0] for i in range(features)}
    bins["score"] = [0.0, *(round(0.05 * k, 2) for k in range(1, 10)), 1.0]
    return bins


def write_bundle(path: Path, features: int) -> None:
    doc = copy.deepcopy(json.loads(BUNDLE.read_text("utf-8")))
    doc["model"]["features"] = [
        {"name": f"f{i}", "type": "numeric", "protected": False, "description": f"input {i}"}
        for i in range(features)
    ]
    plan = doc["monitoring"]["plan"]
    plan["bins"] = edges_for(features)
    plan["columns"] = {"id": "id", "score": "score"}
    doc["monitoring"].pop("latest", None)
    doc["fairness"]["protected_attributes"] = []
    path.write_text(json.dumps(doc), "utf-8")


def measure(cmd: list[str]) -> tuple[float, float]:
    """Wall seconds and peak resident MB of one whole process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert proc.stderr is not None
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    proc.returncode = code
    if code not in (0, 1):
        raise SystemExit(f"bench_monitor: {cmd[:4]} failed ({code}): {err[-800:]!r}")
    return wall, usage.ru_maxrss / 1024.0


FLOOR = """
import sys, duckdb
base, cur, edges = sys.argv[1], sys.argv[2], __import__("json").loads(sys.argv[3])
for path in (base, cur):
    hist = ", ".join(f'histogram("{c}", {e[1:-1]})' for c, e in edges.items())
    sql = f"SELECT COUNT(*), COUNT(DISTINCT id), {hist} FROM read_parquet('{path}')"
    duckdb.sql(sql).fetchall()
"""


def commands(work: Path, features: int) -> tuple[list[str], list[str]]:
    gate = [
        sys.executable, "-m", "gate", "monitor", "--bundle", str(work / "bundle.json"),
        "--baseline", str(work / "base.parquet"), "--current", str(work / "cur.parquet"),
        "--output", str(work / "out.json"), "--now", NOW,
        "--period-start", "2026-11-01", "--period-end", "2026-11-30",
    ]  # fmt: skip
    edges = json.dumps(edges_for(features))
    floor = [sys.executable, "-c", FLOOR, str(work / "base.parquet"), str(work / "cur.parquet")]
    return gate, [*floor, edges]


def evidently_python() -> Path | None:
    """The Python of the Evidently environment, built on first use; None (with the reason
    printed) when it cannot be built."""
    python = EVIDENTLY_VENV / "bin" / "python"
    if python.is_file():
        return python
    steps = [
        [sys.executable, "-m", "venv", str(EVIDENTLY_VENV)],
        [str(python), "-m", "pip", "install", "--quiet", *EVIDENTLY_PINS],
    ]
    for step in steps:
        proc = subprocess.run(step, capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            print(f"bench_monitor: no Evidently row: {proc.stderr[-500:]}", file=sys.stderr)
            return None
    return python


def evidently_rows(work: Path, rows: int, features: int) -> list[dict[str, Any]]:
    """One round each (Evidently takes minutes): the monitor and Evidently on the same
    files."""
    python = evidently_python()
    if python is None:
        return []
    gate, _ = commands(work, features)
    files = [str(work / "base.parquet"), str(work / "cur.parquet")]
    evidently = [str(python), "-c", EVIDENTLY, *files]
    g, e = measure(gate), measure(evidently)
    size = f"{rows / 1e6:g}M rows x {features}"
    name = "Evidently 0.7.23 DataDriftPreset(method='psi'), 1 round"
    return [
        row(f"monitor {size} vs Evidently (s)", g[0], e[0], "s", name, None),
        row(f"monitor {size} vs Evidently, peak memory (MB)", g[1], e[1], "MB", name, None),
    ]


def prepare(work: Path, rows: int, features: int) -> None:
    write_window(work / "base.parquet", rows, features, 0.0, 1)
    write_window(work / "cur.parquet", rows, features, 0.3, 2)
    write_bundle(work / "bundle.json", features)


def row(
    figure: str, gate: float, anchor: float, unit: str, name: str, target: float | None
) -> dict[str, Any]:
    ratio = gate / anchor
    met = None if target is None else ratio <= target
    return {"figure": figure, "mrm_gate": gate, "anchor": anchor, "anchor_name": name,
            "unit": unit, "ratio": ratio, "target": target, "met": met}  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--features", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--growth", type=int, nargs="*", default=[1_000_000, 4_000_000])
    parser.add_argument("--json", type=Path, required=True)
    parser.add_argument("--no-evidently", dest="evidently", action="store_false")
    args = parser.parse_args()
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="mrm-gate-bench-monitor-") as tmp:
        work = Path(tmp)
        prepare(work, args.rows, args.features)
        gate, floor = commands(work, args.features)
        measure(gate), measure(floor)  # warm the page cache and the imports
        g, f = [], []
        for _ in range(args.rounds):
            g.append(measure(gate))
            f.append(measure(floor))
        size = f"{args.rows / 1e6:g}M rows x {args.features}"
        rows.append(row(f"monitor {size}, whole process (s)",
                        statistics.median(t for t, _ in g), statistics.median(t for t, _ in f),
                        "s", "one DuckDB scan, same histograms and id count", 1.2))  # fmt: skip
        rows.append(row(f"monitor {size}, peak memory (MB)",
                        statistics.median(m for _, m in g), statistics.median(m for _, m in f),
                        "MB", "the same DuckDB scan", 1.5))  # fmt: skip
        peaks = {}
        for n in sorted(args.growth):
            prepare(work, n, args.features)
            gate, _ = commands(work, args.features)
            peaks[n] = measure([*gate, "--memory-limit", GROWTH_LIMIT])[1]
            if n == min(args.growth) and args.evidently:
                rows += evidently_rows(work, n, args.features)
        small, large = min(peaks), max(peaks)
        rows.append(row(f"monitor peak memory at {large / 1e6:g}M rows, --memory-limit "
                        f"{GROWTH_LIMIT} (MB)", peaks[large], peaks[small], "MB",
                        f"same at {small / 1e6:g}M rows", 1.25))  # fmt: skip
    args.json.write_text(json.dumps({"rows": rows}, indent=2) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
