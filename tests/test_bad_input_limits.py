"""Bad input ends in exit 2 with the file and the JSON path, never a traceback or exit 1
(issue 15 crash paths, issue 16 "Bad input", row 4's placeholder dates). Real CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from conftest import NOW, ROOT, load_asset


def check(bundle: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gate", "check", "--bundle", str(bundle), "--stage", "merge",
         "--now", NOW],
        capture_output=True, text=True, cwd=ROOT, check=False, timeout=120,
    )  # fmt: skip


def credit() -> dict[str, Any]:
    return load_asset("bundles", "credit-complete.json")


def refused(bundle: Path, *expected: str) -> str:
    out = check(bundle)
    assert out.returncode == 2, out.stdout + out.stderr
    assert "Traceback" not in out.stderr
    assert str(bundle) in out.stderr
    for text in expected:
        assert text in out.stderr
    return out.stderr


def test_json_nested_a_thousand_deep(tmp_path: Path) -> None:
    text = json.dumps(credit())
    bundle = tmp_path / "deep.json"
    bundle.write_text(text[:-1] + ', "deep": ' + "[" * 1000 + "]" * 1000 + "}", "utf-8")
    refused(bundle, "nested", "deeper than 64")


def test_json_nested_past_the_limit_names_the_path(tmp_path: Path) -> None:
    doc = credit()
    node: Any = []
    for _ in range(70):
        node = [node]
    doc["model"]["extra"] = node
    bundle = tmp_path / "deep.json"
    bundle.write_text(json.dumps(doc), "utf-8")
    refused(bundle, "$.model.extra[0][0]", "deeper than 64")


def test_yaml_nested_twenty_thousand_deep(tmp_path: Path) -> None:
    bundle = tmp_path / "deep.yaml"
    bundle.write_text("deep: " + "[" * 20000 + "]" * 20000 + "\n", "utf-8")
    refused(bundle, "deeper than 64")


def test_number_too_large_for_a_float(tmp_path: Path) -> None:
    text = json.dumps(credit()).replace('"seed": ', '"seed": 1e999, "was": ', 1)
    bundle = tmp_path / "huge.json"
    bundle.write_text(text, "utf-8")
    refused(bundle, "$.reproducibility.seed", "1e999", "not finite")


def test_five_megabyte_model_name(tmp_path: Path) -> None:
    doc = credit()
    doc["model"]["name"] = "x" * (5 * 1024 * 1024)
    bundle = tmp_path / "long.json"
    bundle.write_text(json.dumps(doc), "utf-8")
    refused(bundle, "$.model.name", "over the limit")


@pytest.mark.parametrize(
    "value", ["TBD", "9999-12-31T00:00:00Z", "1000-01-01T00:00:00Z", "2026-13-45T00:00:00Z"]
)
def test_placeholder_dates_are_refused_at_validation(tmp_path: Path, value: str) -> None:
    """Row 4: a date that is not a plausible RFC 3339 instant never reaches the policy."""
    doc = credit()
    doc["validation"]["completed_at"] = value
    bundle = tmp_path / "dates.json"
    bundle.write_text(json.dumps(doc), "utf-8")
    refused(bundle, "$.validation.completed_at")
