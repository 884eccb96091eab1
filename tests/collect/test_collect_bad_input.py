"""Every kind of bad input: exit 2, a message naming the file (and JSON path), and the
bundle on disk left exactly as it was."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from collect_support import collect, make_repo

MODEL = "docs/evidence/model.yaml"
METRICS = "reports/metrics/test_metrics.json"
CONFIG = ".mrm-gate.yml"


def _edit(rel: str, old: str, new: str) -> Callable[[Path], None]:
    def apply(repo: Path) -> None:
        path = repo / rel
        text = path.read_text("utf-8")
        assert old in text, (rel, old)
        path.write_text(text.replace(old, new, 1), "utf-8")

    return apply


def _write(rel: str, data: bytes) -> Callable[[Path], None]:
    def apply(repo: Path) -> None:
        (repo / rel).write_bytes(data)

    return apply


def _append(rel: str, text: str) -> Callable[[Path], None]:
    def apply(repo: Path) -> None:
        with (repo / rel).open("a", encoding="utf-8") as fh:
            fh.write(text)

    return apply


def _symlink_outside(repo: Path) -> None:
    outside = repo.parent / "secret.yaml"
    outside.write_text("model: {id: x}\n")
    (repo / MODEL).unlink()
    os.symlink(outside, repo / MODEL)


ALIAS_BOMB = (
    b"a: &a [x, x, x, x, x, x, x, x, x]\n"
    b"b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
    b"c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
    b"d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
    b"e: [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
)

CASES: dict[str, tuple[Callable[[Path], None], list[str]]] = {
    "malformed yaml": (_append(MODEL, "model: [unclosed\n"), [MODEL, "at line", "YAML syntax"]),
    "malformed json": (_write(METRICS, b'{"auc": 0.78,'), [METRICS, "malformed JSON"]),
    "duplicate yaml key": (_append(MODEL, "inventory: {}\n"), [MODEL, "duplicate key"]),
    "duplicate json key": (
        _write(METRICS, b'{"auc": 0.7, "auc": 0.9}'),
        [METRICS, "key 'auc' appears twice"],
    ),
    "yaml alias bomb": (_write(MODEL, ALIAS_BOMB), [MODEL, "aliases"]),
    "non-utf-8 bytes": (_write(MODEL, b"model:\n  name: caf\xe9\n"), [MODEL, "UTF-8"]),
    "over the size limit": (
        _edit(CONFIG, "max_file_bytes: 1048576", "max_file_bytes: 100"),
        [MODEL, "larger than 100 bytes", "limits.max_file_bytes"],
    ),
    "dotdot path": (
        _edit(CONFIG, "  - docs/evidence/testing.yaml", "  - ../outside.yaml"),
        [CONFIG, "$.documentation[1]"],
    ),
    "symlink outside": (_symlink_outside, [CONFIG, "$.documentation[0]", "escapes the repository"]),
    "missing file": (
        _edit(CONFIG, "mlflow_run: mlruns/run.json", "mlflow_run: mlruns/gone.json"),
        [CONFIG, "$.mlflow_run", "does not exist"],
    ),
    "missing artefact": (
        _edit(CONFIG, "models/woe_binning.joblib", "models/nope.joblib"),
        [CONFIG, "$.artefacts[1].path", "does not exist"],
    ),
    "wrong type in documentation": (
        _edit(MODEL, "risk_tier: high", "risk_tier: 5"),
        [MODEL, "$.model.risk_tier"],
    ),
    "wrong type in metrics": (
        _write(METRICS, b'{"gini": "high"}'),
        [METRICS, "$.gini", "is not of type 'number'"],
    ),
    "config wrong type": (
        _edit(CONFIG, "max_file_bytes: 1048576", "max_file_bytes: lots"),
        [CONFIG, "$.limits.max_file_bytes"],
    ),
    "config unknown key": (_append(CONFIG, "colected: {}\n"), [CONFIG, "colected"]),
    "config malformed": (_append(CONFIG, "roles: [\n"), [CONFIG, "YAML syntax"]),
    "dvc.lock wrong type": (
        _write("dvc.lock", b"schema: '2.0'\nstages: [a, b]\n"),
        ["dvc.lock", "$.stages"],
    ),
    "dvc bad md5": (
        _edit("data/applicants.csv.dvc", "md5: 0561", "md5: zz"),
        ["data/applicants.csv.dvc", "$.outs[0].md5"],
    ),
    "mlflow without run id": (
        _write("mlruns/run.json", b'{"run": {"info": {}}}'),
        ["mlruns/run.json", "$.run.info.run_id"],
    ),
    "model id mismatch": (
        _edit(CONFIG, "model_id: credit-pd-retail", "model_id: other"),
        [CONFIG, "$.model_id", "credit-pd-retail"],
    ),
    "developer sets collected": (
        _append(MODEL, "collected: {collected_at: x}\n"),
        [MODEL, "$.collected", "declared vs collected"],
    ),
    "developer sets provenance": (
        _append(MODEL, "provenance: {sources: []}\n"),
        [MODEL, "$.provenance"],
    ),
    "developer sets approvals": (
        _append(MODEL, "approvals: [{role: validator}]\n"),
        [MODEL, "$.approvals"],
    ),
    "developer sets author ids": (
        _append(MODEL, "  author_ids: [dana-dev]\n"),
        [MODEL, "$.change.author_ids"],
    ),
    "developer declares a reproduction": (
        _append(MODEL, "reproducibility:\n  reproduced_artifact_sha256: " + "0" * 64 + "\n"),
        [MODEL, "$.reproducibility.reproduced_artifact_sha256", "mrm-gate reproduce"],
    ),
    "metrics file aimed at a collected field": (
        _edit(CONFIG, "section: testing.results", "section: change.author_ids"),
        [METRICS, "$.change.author_ids is collected by the gate"],
    ),
    "conflicting sources": (
        _write(METRICS, b'{"auc": 0.9}'),
        ["mlruns/run.json", METRICS, "$.testing.results.auc"],
    ),
    "unknown section": (_append(MODEL, "modle: {}\n"), [MODEL, "$.modle", "not a bundle section"]),
    "declared digest contradicts the file": (
        _append(MODEL, "artifact:\n  digest: sha256:" + "0" * 64 + "\n"),
        [MODEL, "$.artifact.digest", "(collected: artefact hash)"],
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_input_exits_2_and_leaves_the_old_bundle(tmp_path: Path, name: str) -> None:
    mutate, expected = CASES[name]
    repo = make_repo(tmp_path)
    mutate(repo)
    evidence = repo / "evidence"
    evidence.mkdir()
    old = evidence / "bundle.json"
    old.write_bytes(b'{"old": true}\n')

    result = collect(repo)

    assert result.exit_code == 2, result.output
    for text in expected:
        assert text in result.stderr, f"{text!r} not in:\n{result.stderr}"
    assert old.read_bytes() == b'{"old": true}\n'
    assert sorted(p.name for p in evidence.iterdir()) == ["bundle.json"]


def test_no_bundle_is_created_on_error(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    _write(METRICS, b"[")(repo)
    result = collect(repo)
    assert result.exit_code == 2
    assert not (repo / "evidence").exists()


def test_all_problems_are_reported_at_once(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    _write(METRICS, b"{")(repo)
    _append(MODEL, "collected: {}\n")(repo)
    _write("mlruns/run.json", b"[]")(repo)
    result = collect(repo)
    assert result.exit_code == 2
    for text in (METRICS, MODEL, "mlruns/run.json"):
        assert text in result.stderr


def test_missing_config_exits_2(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    (repo / CONFIG).unlink()
    result = collect(repo)
    assert result.exit_code == 2
    assert ".mrm-gate.yml" in result.stderr
