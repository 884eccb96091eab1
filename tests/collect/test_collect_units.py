"""Units of the collector: DVC and MLflow parsing, hashing, path containment."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gate.collect.dvc import snapshots_from_dvc
from gate.collect.hashing import sha256_file
from gate.collect.mlflow import param_value, parse_run
from gate.collect.paths import resolve_in_repo
from gate.errors import EvidenceError


def test_dvc_lock_paths_are_relative_to_the_repository() -> None:
    lock = {
        "stages": {
            "train": {
                "deps": [{"path": "../raw/x.csv", "md5": "a" * 32}, {"path": "p.yaml"}],
                "outs": [{"path": "model", "md5": "b" * 32 + ".dir"}],
            }
        }
    }
    assert snapshots_from_dvc(lock, rel="ml/dvc.lock", label="ml/dvc.lock") == [
        {"path": "raw/x.csv", "md5": "a" * 32, "source": "ml/dvc.lock"},
        {"path": "ml/model/", "md5": "b" * 32, "source": "ml/dvc.lock"},
    ]


def test_dvc_file_outs() -> None:
    doc = {"outs": [{"md5": "c" * 32, "path": "a.csv", "hash": "md5"}]}
    assert snapshots_from_dvc(doc, rel="data/a.csv.dvc", label="data/a.csv.dvc") == [
        {"path": "data/a.csv", "md5": "c" * 32, "source": "data/a.csv.dvc"}
    ]


def test_dvc_wrong_types_name_the_json_path() -> None:
    with pytest.raises(EvidenceError) as info:
        snapshots_from_dvc({"stages": {"s": {"outs": "x"}}}, rel="dvc.lock", label="dvc.lock")
    assert info.value.problems[0].json_path == "$.stages.s.outs"


def test_mlflow_dictionary_shape() -> None:
    run = parse_run(
        {"info": {"run_uuid": "r1"}, "data": {"params": {"lr": "1e-3"}, "metrics": {"auc": 0.8}}},
        label="run.json",
    )
    assert (run.run_id, run.params, run.metrics) == ("r1", {"lr": 0.001}, {"auc": 0.8})


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("8", 8),
        ("0.5", 0.5),
        ("-2", -2),
        ("True", True),
        ("false", False),
        ("l2", "l2"),
        ("nan", "nan"),
        ("Infinity", "Infinity"),
        ("None", "None"),
        ("007", "007"),
    ],
)
def test_param_values_are_typed_conservatively(raw: str, value: object) -> None:
    assert param_value(raw) == value and type(param_value(raw)) is type(value)


@given(st.binary(max_size=3000), st.integers(min_value=1, max_value=700))
def test_streamed_hash_matches_hashlib(
    tmp_path_factory: pytest.TempPathFactory, data: bytes, threshold: int
) -> None:
    path = tmp_path_factory.mktemp("h") / "f.bin"
    path.write_bytes(data)
    seen: list[int] = []

    @contextmanager
    def progress(label: str, size: int) -> Iterator[Callable[[int], None]]:
        yield seen.append

    digest, size = sha256_file(path, label="f.bin", progress=progress, large_file_bytes=threshold)
    assert digest == hashlib.sha256(data).hexdigest()
    assert size == len(data)
    assert sum(seen) == (len(data) if len(data) >= threshold else 0)


def test_paths_cannot_escape(tmp_path: Path) -> None:
    root = (tmp_path / "repo").resolve()
    (root / "d").mkdir(parents=True)
    (root / "d" / "ok.txt").write_text("x")
    (tmp_path / "out.txt").write_text("x")
    (root / "link.txt").symlink_to(tmp_path / "out.txt")
    assert resolve_in_repo(root, "d/ok.txt", referrer="c", json_path="$.a") == root / "d/ok.txt"
    for bad in ("../out.txt", "/etc/passwd", "link.txt", "d", "d/none.txt", "d\\ok.txt", "C:x"):
        with pytest.raises(EvidenceError):
            resolve_in_repo(root, bad, referrer="c", json_path="$.a")
