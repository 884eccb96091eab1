"""Benchmark PSI/CSI: mrm-gate's monitor against a bare numpy pass and Evidently.

2,000,000 rows x 10 numeric features, 10 bins with edges frozen from the baseline's deciles
(as a monitoring plan stores them). Each contender runs once to warm up, then --runs times;
the table shows the median. Evidently's PSI is called on the same data; it takes no bin
edges (it picks Sturges bins over the combined sample for numeric inputs), so its figure is
reported beside ours, not compared value for value.

    .venv/bin/python scripts/bench_psi.py --json bench-psi.json

Evidently 0.7's package import fails under pandas 3 (it imports a pandas internal that
was removed); the script then loads Evidently's own PSI module without the package's
top-level import, which does not need that internal. If Evidently is not installed the
column says so and the rest still runs.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from gate.monitor import stats  # noqa: E402

ROWS, FEATURES, BINS = 2_000_000, 10, 10


def make_data(seed: int) -> tuple[np.ndarray, np.ndarray, list[list[float]]]:
    rng = np.random.default_rng(seed)
    base = rng.normal(0.0, 1.0, (FEATURES, ROWS))
    shift = np.linspace(0.0, 0.5, FEATURES)[:, None]
    cur = rng.normal(0.0, 1.0, (FEATURES, ROWS)) * 1.1 + shift
    edges = [
        [float(e) for e in np.quantile(base[i], np.linspace(0, 1, BINS + 1))]
        for i in range(FEATURES)
    ]
    return base, cur, edges


def gate_psi(base: np.ndarray, cur: np.ndarray, edges: list[list[float]]) -> list[float]:
    """What `mrm-gate monitor` runs per input: frozen-edge binning, then PSI."""
    out = []
    for i in range(FEATURES):
        s = stats.psi_from_counts(
            stats.numeric_counts(base[i], edges[i]),
            stats.numeric_counts(cur[i], edges[i]),
            stats.edge_labels(edges[i]),
        )
        out.append(s.value)
    return out


def numpy_psi(base: np.ndarray, cur: np.ndarray, edges: list[list[float]]) -> list[float]:
    """A bare numpy pass: np.histogram with the same edges, then the PSI sum."""
    out = []
    for i in range(FEATURES):
        open_edges = [-np.inf, *edges[i][1:-1], np.inf]
        e = np.histogram(base[i], bins=open_edges)[0] / ROWS
        a = np.histogram(cur[i], bins=open_edges)[0] / ROWS
        e, a = np.maximum(e, stats.EPS), np.maximum(a, stats.EPS)
        out.append(float(np.sum((a - e) * np.log(a / e))))
    return out


def load_evidently() -> tuple[Callable[..., Any] | None, str]:
    """Evidently's PSI function and its version, or None and the reason."""
    import importlib.util
    import types

    spec = importlib.util.find_spec("evidently")
    if spec is None or spec.origin is None:
        return None, "not installed (pip install 'mrm-gate[bench]')"
    try:
        from importlib.metadata import version

        ver = version("evidently")
    except Exception:  # pragma: no cover - metadata missing
        ver = "unknown"
    try:
        import evidently  # noqa: F401
    except ImportError:
        root = Path(spec.origin).parent
        for name, path in (("evidently", root), ("evidently.legacy", root / "legacy")):
            module = types.ModuleType(name)
            module.__path__ = [str(path)]
            sys.modules[name] = module
        ver += " (PSI module loaded without the package import, see --help)"
    try:
        from evidently.legacy.calculations.stattests.psi import _psi
        from evidently.legacy.core import ColumnType
    except ImportError as exc:
        return None, f"unusable: {exc}"
    import pandas as pd

    def run(base: np.ndarray, cur: np.ndarray, edges: list[list[float]]) -> list[float]:
        return [
            float(_psi(pd.Series(base[i]), pd.Series(cur[i]), ColumnType.Numerical, 0.1, BINS)[0])
            for i in range(FEATURES)
        ]

    return run, ver


def timed(fn: Callable[[], Any], runs: int) -> tuple[float, list[float], Any]:
    value = fn()  # warm-up
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        value = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), times, value


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", type=Path, default=None, help="Write the results here.")
    ap.add_argument("--runs", type=int, default=3, help="Timed runs after the warm-up.")
    ap.add_argument("--seed", type=int, default=20261130)
    args = ap.parse_args(argv)

    base, cur, edges = make_data(args.seed)
    contenders: list[tuple[str, Callable[[], Any]]] = [
        ("mrm-gate (numpy, frozen edges)", lambda: gate_psi(base, cur, edges)),
        ("bare numpy (np.histogram, inline)", lambda: numpy_psi(base, cur, edges)),
    ]
    evidently, ev_version = load_evidently()
    if evidently is not None:
        contenders.append(
            (f"Evidently {ev_version.split()[0]} PSI", lambda: evidently(base, cur, edges))
        )
    results = []
    for name, fn in contenders:
        median, times, values = timed(fn, args.runs)
        results.append({"name": name, "median_s": median, "runs_s": times, "psi": values})

    ours = results[0]["median_s"]
    print(
        f"PSI/CSI over {ROWS:,} rows x {FEATURES} numeric features, {BINS} bins; "
        f"median of {args.runs} runs after a warm-up"
    )
    print(f"{'contender':<42} {'median s':>9} {'vs mrm-gate':>12}")
    for r in results:
        print(f"{r['name']:<42} {r['median_s']:>9.3f} {r['median_s'] / ours:>11.1f}x")
    if evidently is None:
        print(f"Evidently: {ev_version}")
    same = bool(np.allclose(results[0]["psi"], results[1]["psi"], rtol=1e-9, atol=1e-12))
    print(f"mrm-gate and bare numpy PSI agree: {same}")
    doc = {
        "benchmark": "psi",
        "rows": ROWS,
        "features": FEATURES,
        "bins": BINS,
        "runs": args.runs,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "machine": platform.machine(),
        "evidently": ev_version,
        "results": results,
        "speedup_vs_evidently": (results[2]["median_s"] / ours) if evidently else None,
        "gate_matches_numpy": same,
    }
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(doc, indent=2) + "\n", "utf-8")
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
