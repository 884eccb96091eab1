"""The same monitoring SQL on Apache Spark (PySpark, local[*], and a standalone cluster at
its spark:// URL) gives DuckDB's figures to the last printed digit, from Parquet and CSV."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import requests
from clock import NOW
from test_monitor import data, run  # noqa: F401  (the session fixture)

from conftest import ROOT, free_port


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


class SparkCluster:
    """A real Spark standalone cluster on 127.0.0.1: one master and one worker, started
    with the `spark-class` launcher that PySpark ships."""

    def __init__(self, log_dir: Path) -> None:
        import pyspark

        self._launcher = str(Path(pyspark.__file__).parent / "bin" / "spark-class")
        port, self._ui = free_port(), free_port()
        self.url = f"spark://127.0.0.1:{port}"
        self.procs = [
            self._start(log_dir / "master.log", "org.apache.spark.deploy.master.Master",
                        "--host", "127.0.0.1", "--port", str(port), "--webui-port", str(self._ui)),
            self._start(log_dir / "worker.log", "org.apache.spark.deploy.worker.Worker",
                        "--host", "127.0.0.1", "--cores", "1", "--memory", "1g",
                        "--webui-port", str(free_port()), self.url),
        ]  # fmt: skip
        self._wait_for_worker()

    def _start(self, log: Path, *args: str) -> subprocess.Popen[bytes]:
        with log.open("wb") as out:
            return subprocess.Popen([self._launcher, *args], stdout=out, stderr=subprocess.STDOUT)

    def state(self) -> dict[str, Any]:
        """The master's own account of its workers and applications (its web UI's JSON)."""
        response = requests.get(f"http://127.0.0.1:{self._ui}/json/", timeout=5)
        response.raise_for_status()
        state: dict[str, Any] = response.json()
        return state

    def _wait_for_worker(self) -> None:
        deadline = time.monotonic() + 120  # two JVMs start on a loaded machine
        while time.monotonic() < deadline:
            if any(p.poll() is not None for p in self.procs):
                break
            with contextlib.suppress(requests.RequestException):
                if self.state().get("aliveworkers", 0) >= 1:
                    return
            time.sleep(0.5)
        self.stop()
        raise RuntimeError("the Spark master and worker did not start (see their logs)")

    def stop(self) -> None:
        for proc in reversed(self.procs):
            proc.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=30)
            if proc.poll() is None:
                proc.kill()


def _monitor_process(data: dict[str, Any], tmp: Path, *extra: str) -> dict[str, Any]:  # noqa: F811
    """`mrm-gate monitor` in a process of its own: a Spark session belongs to its process,
    and this one's already runs on local[*]."""
    report = tmp / "report.json"
    args = ["monitor", "--bundle", str(data["bundle"]), "--baseline", str(data["base_spq"]),
            "--current", str(data["cur_spq"]), "--outcomes", str(data["out_spq"]),
            "--output", str(tmp / "monitored.json"), "--report", str(report),
            "--now", NOW, "--baseline-id", "german-credit-all", *extra]  # fmt: skip
    env = {**os.environ, "PYSPARK_PYTHON": sys.executable}
    done = subprocess.run(
        [sys.executable, "-m", "gate", *args], capture_output=True, text=True, env=env,
        cwd=ROOT, check=False, timeout=600,
    )  # fmt: skip
    assert done.returncode in (0, 1), done.stderr[-2000:]
    doc: dict[str, Any] = json.loads(report.read_text("utf-8"))
    doc["monitored"] = json.loads((tmp / "monitored.json").read_text("utf-8"))
    return doc


def test_spark_cluster_gives_duckdbs_figures(spark_data: dict[str, Any], tmp_path: Path) -> None:
    """The run the docs show: --spark-master at a standalone cluster's URL. The master's
    own record shows the application ran there."""
    (tmp_path / "logs").mkdir()
    cluster = SparkCluster(tmp_path / "logs")
    try:
        (tmp_path / "cluster").mkdir()
        spark = _monitor_process(
            spark_data, tmp_path / "cluster", "--engine", "spark", "--spark-master", cluster.url
        )
        apps = cluster.state()["completedapps"] + cluster.state()["activeapps"]
    finally:
        cluster.stop()
    (tmp_path / "duckdb").mkdir()
    duck = _monitor_process(spark_data, tmp_path / "duckdb", "--engine", "duckdb")
    assert [app["name"] for app in apps] == ["mrm-gate monitor"]
    assert (spark.pop("engine"), duck.pop("engine")) == ("spark", "duckdb")
    assert spark == duck
