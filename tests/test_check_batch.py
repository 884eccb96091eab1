"""`check` over many bundles in one call: one policy build and one OPA process, and each
report byte for byte the report of a single check (issue 21). Real CLI, real OPA."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import NOW, ROOT, load_asset


def gate(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gate", *args],
        capture_output=True, text=True, cwd=ROOT, check=False, timeout=300,
    )  # fmt: skip


def fleet(folder: Path) -> list[Path]:
    """Six bundles: the two examples, and variants of them that differ in what they decide."""
    folder.mkdir()
    paths = []
    for i, name in enumerate(["credit-complete.json", "clinical-complete.json"] * 3):
        doc = load_asset("bundles", name)
        doc["model"]["version"] = f"{doc['model']['version']}-{i}"
        if i >= 4:
            del doc["validation"]  # a bundle the policies deny
        path = folder / f"model-{i}.json"
        path.write_text(json.dumps(doc, indent=2), "utf-8")
        paths.append(path)
    return paths


@pytest.mark.parametrize(
    "stage,fmt,suffix",
    [
        ("merge", "json", ".json"),
        ("production", "json", ".json"),
        ("production", "table", ".txt"),
        ("production", "markdown", ".md"),
    ],
)
def test_batch_reports_equal_single_reports(
    tmp_path: Path, stage: str, fmt: str, suffix: str
) -> None:
    bundles = fleet(tmp_path / "bundles")
    singles = tmp_path / "singles"
    codes = []
    for path in bundles:
        out = gate(
            "check", "--bundle", str(path), "--stage", stage, "--now", NOW, "--format", fmt,
            "--output", str(singles / (path.stem + suffix)),
        )  # fmt: skip
        assert out.returncode in (0, 1), out.stderr
        codes.append(out.returncode)
    batch = tmp_path / "batch"
    out = gate(
        "check", "--bundle", str(tmp_path / "bundles"), "--stage", stage, "--now", NOW,
        "--format", fmt, "--output-dir", str(batch),
    )  # fmt: skip
    assert out.returncode == max(codes), out.stderr
    assert 1 in codes  # the fleet holds denials, so the comparison is not all-allowed
    for path in bundles:
        name = path.stem + suffix
        assert (batch / name).read_bytes() == (singles / name).read_bytes(), name


def test_batch_of_repeated_bundle_flags(tmp_path: Path) -> None:
    bundles = fleet(tmp_path / "bundles")[:2]
    out = gate(
        "check", "--bundle", str(bundles[0]), "--bundle", str(bundles[1]), "--stage", "merge",
        "--now", NOW, "--format", "json", "--output-dir", str(tmp_path / "out"),
    )  # fmt: skip
    written = {p.name: json.loads(p.read_text("utf-8")) for p in (tmp_path / "out").iterdir()}
    assert sorted(written) == ["model-0.json", "model-1.json"]
    denied = sum(1 for d in written.values() if not d["allow"])
    assert f"{2 - denied} allowed, {denied} denied" in out.stderr
    assert out.returncode == (1 if denied else 0)


def test_one_invalid_bundle_stops_the_batch_before_any_report(tmp_path: Path) -> None:
    bundles = fleet(tmp_path / "bundles")
    bundles[3].write_text('{"apiVersion": "mrm-gate/v1"}', "utf-8")
    out = gate(
        "check", "--bundle", str(tmp_path / "bundles"), "--stage", "merge", "--now", NOW,
        "--output-dir", str(tmp_path / "out"),
    )  # fmt: skip
    assert out.returncode == 2
    assert "model-3.json" in out.stderr
    assert not (tmp_path / "out").exists()


def test_several_bundles_need_an_output_dir(tmp_path: Path) -> None:
    bundles = fleet(tmp_path / "bundles")[:2]
    out = gate(
        "check", "--bundle", str(bundles[0]), "--bundle", str(bundles[1]), "--stage", "merge",
        "--now", NOW,
    )  # fmt: skip
    assert out.returncode == 2 and "--output-dir" in out.stderr


def test_server_engine_batch_equals_local(tmp_path: Path, opa_server) -> None:  # type: ignore[no-untyped-def]
    fleet(tmp_path / "bundles")
    reports = {}
    for name, extra in (("local", []), ("server", ["--opa-url", opa_server.url])):
        out = gate(
            "check", "--bundle", str(tmp_path / "bundles"), "--stage", "production",
            "--now", NOW, "--format", "json", "--output-dir", str(tmp_path / name), *extra,
        )  # fmt: skip
        assert out.returncode == 1, out.stderr
        reports[name] = {
            p.name: {k: v for k, v in json.loads(p.read_text("utf-8")).items() if k != "engine"}
            for p in (tmp_path / name).iterdir()
        }
    assert reports["local"] == reports["server"] and len(reports["local"]) == 6
