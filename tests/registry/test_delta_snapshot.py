"""A Delta Lake table as the training data snapshot: written here, trained on at one version,
moved on since, and read back by `reproduce` at the recorded version; a rewritten or
vacuumed version fails closed, at collect (the snapshot check) and at reproduce."""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]
import pytest
from deltalake import DeltaTable, write_deltalake

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "collect"))

from clock import NOW  # noqa: E402
from collect_support import git  # noqa: E402

from gate.collect.dvc import snapshot_problems  # noqa: E402
from gate.reproduce import ReferenceMissing, reproduce  # noqa: E402

# The training: the sum of the amounts of the table it is given, read through the gate's
# Delta reader, which also returns the snapshot to record.
TRAIN = """\
import json, pathlib, sys
from gate.registry import delta
table, snapshot = delta.read(sys.argv[1])
out = pathlib.Path("out")
out.mkdir(exist_ok=True)
(out / "model.txt").write_text(f"total {sum(table.column('amount').to_pylist())}\\n")
(out / "snapshot.json").write_text(json.dumps(snapshot))
"""


def _parquet_files(table: Path) -> set[Path]:
    return set(table.glob("*.parquet"))


def _files_sha256(table: Path, files: set[Path]) -> str:
    """The documented digest, computed here from the files on disk."""
    lines = sorted(f"{f.name}\t{hashlib.sha256(f.read_bytes()).hexdigest()}\n" for f in files)
    return hashlib.sha256("".join(lines).encode()).hexdigest()


def _train(repo: Path, table: Path) -> dict[str, Any]:
    import subprocess

    subprocess.run([sys.executable, "train.py", str(table)], cwd=repo, check=True)
    return json.loads((repo / "out" / "snapshot.json").read_text())


@pytest.fixture
def trained(tmp_path: Path) -> tuple[Path, Path, dict[str, Any], set[Path]]:
    """Version 0 holds amounts 100 and 200, version 1 appends 300; training reads version 1;
    then version 2 appends 400 (the table moved on)."""
    table = tmp_path / "lake" / "applications"
    write_deltalake(str(table), pa.table({"amount": [100, 200]}))
    write_deltalake(str(table), pa.table({"amount": [300]}), mode="append")
    files_v1 = _parquet_files(table)
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "train.py").write_text(TRAIN)
    (repo / ".gitignore").write_text("out/\n")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "train on the applications table")
    snapshot = _train(repo, table)
    write_deltalake(str(table), pa.table({"amount": [400]}), mode="append")
    return repo, table, snapshot, files_v1


def _bundle(repo: Path, table: Path, snapshot: dict[str, Any]) -> dict[str, Any]:
    return {
        "reproducibility": {
            "git_commit": git(repo, "rev-parse", "HEAD"),
            "training_command": f"python train.py {table}",
            "artifact_path": "out/model.txt",
            "artifact_sha256": hashlib.sha256(b"total 600\n").hexdigest(),
            "data_snapshots": [snapshot],
        }
    }


def test_training_records_the_version_it_read(trained: Any) -> None:
    repo, table, snapshot, files_v1 = trained
    assert (repo / "out" / "model.txt").read_text() == "total 600\n"
    assert snapshot == {
        "path": f"delta:{table}",
        "delta_version": 1,
        "sha256": _files_sha256(table, files_v1),
    }
    assert snapshot_problems([snapshot], repo, label="out/reproducibility.json") == []


def test_reproduce_reads_the_recorded_version_of_a_table_that_moved_on(trained: Any) -> None:
    repo, table, snapshot, _ = trained
    assert DeltaTable(str(table)).version() == 2
    result = reproduce(_bundle(repo, table, snapshot), repo, now=NOW)
    assert result.messages == []
    assert result.identical is True
    assert result.reproduced_sha256 == hashlib.sha256(b"total 600\n").hexdigest()


def test_a_rewritten_version_is_caught(trained: Any) -> None:
    repo, table, snapshot, files_v1 = trained
    # One of version 1's files rewritten in place with another amount.
    victim = sorted(files_v1)[0]
    pq.write_table(pa.table({"amount": [999]}), victim)
    rewritten = _files_sha256(table, files_v1)
    problems = snapshot_problems([snapshot], repo, label="out/reproducibility.json")
    assert [(p.file, p.json_path) for p in problems] == [
        ("out/reproducibility.json", "$.reproducibility.data_snapshots[0].sha256")
    ]
    assert problems[0].message == (
        f"data snapshot delta:{table} version 1: its data files hash to sha256 {rewritten} "
        f"but {snapshot['sha256']} is recorded: the version was rewritten"
    )
    assert "restore the table's recorded version" in problems[0].fix
    result = reproduce(_bundle(repo, table, snapshot), repo, now=NOW)
    assert result.identical is False and result.reproduced_sha256 is None
    assert result.messages[0].startswith(f"data snapshot delta:{table} version 1: its data")


def test_a_vacuumed_version_fails_closed_with_what_to_do(trained: Any) -> None:
    repo, table, snapshot, _ = trained
    write_deltalake(str(table), pa.table({"amount": [1]}), mode="overwrite")
    DeltaTable(str(table)).vacuum(
        retention_hours=0, enforce_retention_duration=False, dry_run=False
    )
    problems = snapshot_problems([snapshot], repo, label="out/reproducibility.json")
    assert len(problems) == 1
    assert f"data snapshot delta:{table} version 1: the data file" in problems[0].message
    assert "is gone (the version was vacuumed)" in problems[0].message
    assert "restore the vacuumed files" in problems[0].fix
    with pytest.raises(ReferenceMissing) as missing:
        reproduce(_bundle(repo, table, snapshot), repo, now=NOW)
    assert "(the version was vacuumed)" in missing.value.message
    assert missing.value.hint is not None and "restore the vacuumed files" in missing.value.hint


def test_a_data_file_that_cannot_be_read_fails_closed(trained: Any) -> None:
    """Not gone, not rewritten: one of version 1's files is a folder now (an unreadable
    file; the tests run as root, for whom permissions do not stop a read)."""
    repo, table, snapshot, files_v1 = trained
    victim = sorted(files_v1)[0]
    victim.unlink()
    victim.mkdir()
    problems = snapshot_problems([snapshot], repo, label="out/reproducibility.json")
    assert len(problems) == 1
    assert f"data snapshot delta:{table} version 1: cannot read the data file" in (
        problems[0].message
    )
    assert "make the table's files readable" in problems[0].fix
    with pytest.raises(ReferenceMissing) as unreadable:
        reproduce(_bundle(repo, table, snapshot), repo, now=NOW)
    assert "cannot read the data file" in unreadable.value.message


def test_a_version_the_table_never_had_fails_closed(trained: Any) -> None:
    repo, table, snapshot, _ = trained
    problems = snapshot_problems(
        [{**snapshot, "delta_version": 7}], repo, label="out/reproducibility.json"
    )
    assert len(problems) == 1
    assert f"data snapshot delta:{table}: cannot open the Delta table at version 7" in (
        problems[0].message
    )
    assert "train again from a version the table holds" in problems[0].fix


def test_a_relative_table_path_is_refused(trained: Any) -> None:
    repo, _, snapshot, _ = trained
    problems = snapshot_problems(
        [{**snapshot, "path": "delta:lake/applications"}], repo, label="out/r.json"
    )
    assert len(problems) == 1
    assert "a Delta table is named by an absolute path or URL" in problems[0].message


def test_a_delta_snapshot_logged_as_an_mlflow_dataset_is_matched_by_its_sha256() -> None:
    from gate.collect.mlflow import LoggedModel, RegistryRef, link_problems

    sha = "ab" * 32
    path = "delta:/lake/applications"
    logged = LoggedModel(
        tracking_uri="http://127.0.0.1:5000",
        ref=RegistryRef("run-1", "m-candidates", "1"),
        experiment_id="1",
        commit="c" * 40,
        params={},
        datasets=[{"name": "applications", "digest": sha, "source_type": "mrm-gate",
                   "path": path, "sha256": sha}],
        version_run_id="run-1",
        version_source="models:/m-candidates/1",
        registered_sha256={"model.txt": "cd" * 32},
    )  # fmt: skip
    bundle: dict[str, Any] = {
        "artifact": {"path": "out/model.txt", "digest": "sha256:" + "cd" * 32},
        "reproducibility": {"data_snapshots": [{"path": path, "delta_version": 1, "sha256": sha}]},
    }
    assert link_problems(logged, bundle, label="out/mlflow.json") == []
    bundle["reproducibility"]["data_snapshots"][0]["sha256"] = "ef" * 32
    [problem] = link_problems(logged, bundle, label="out/mlflow.json")
    assert problem.message == (
        f"run datasets vs data snapshots: {path}: the run logged md5 {sha} sha256 {sha}, "
        f"the snapshot records md5 None sha256 {'ef' * 32}"
    )
