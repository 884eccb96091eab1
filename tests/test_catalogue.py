"""The control catalogue comes from the policies' METADATA, and docs/controls.md stays current."""

from __future__ import annotations

import json
import re
from pathlib import Path

from click.testing import CliRunner

from conftest import ROOT
from gate import catalogue
from gate._cli import cli
from gate.engine.toolchain import OpaBinary
from gate.policy import default_policy_dir

SEVERITIES = {"critical", "high", "medium", "low"}
STAGES = {"merge", "staging", "production", "monitoring"}


def _controls(opa: OpaBinary) -> list[catalogue.Control]:
    return catalogue.inspect_controls(opa.path, default_policy_dir())


def test_docs_controls_md_is_current(opa: OpaBinary) -> None:
    expected = catalogue.to_markdown(_controls(opa))
    current = (ROOT / "docs" / "controls.md").read_text("utf-8")
    assert current == expected, "docs/controls.md is stale: run `make docs`"


def test_every_control_is_fully_annotated_and_tested(opa: OpaBinary) -> None:
    found = _controls(opa)
    assert found, "no control found in the policies"
    for ctl in found:
        assert ctl.title and ctl.section and ctl.framework and ctl.description, ctl.id
        assert ctl.severity in SEVERITIES, ctl.id
        assert ctl.stages and set(ctl.stages) <= STAGES, ctl.id
        for date in (ctl.effective_from, ctl.effective_until):
            assert date == "" or re.fullmatch(r"\d{4}-\d{2}-\d{2}", date), ctl.id
        rego = ROOT / ctl.file
        test_file = rego.with_name(rego.stem + "_test.rego")
        assert test_file.is_file(), f"{ctl.id}: no {test_file.name} beside {ctl.file}"
        text = test_file.read_text("utf-8")
        assert "test_fail_" in text and "test_success_" in text, ctl.id


def test_control_ids_are_unique_in_the_source(opa: OpaBinary) -> None:
    ids = re.findall(
        r"control_id:\s*(\S+)",
        "\n".join(
            p.read_text("utf-8")
            for p in default_policy_dir().rglob("*.rego")
            if not p.name.endswith("_test.rego")
        ),
    )
    assert len(ids) == len(set(ids))
    assert {c.id for c in _controls(opa)} == set(ids)


def test_controls_command_json(opa: OpaBinary) -> None:
    result = CliRunner().invoke(cli, ["controls", "--format", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert [c["id"] for c in doc] == sorted(c["id"] for c in doc)
    assert {c["id"] for c in doc} == {c.id for c in _controls(opa)}


def test_controls_from_inspect_ignores_non_control_annotations(tmp_path: Path) -> None:
    doc = {
        "annotations": [
            {"annotations": {"scope": "package", "title": "lib"}, "location": {"file": "x"}},
            {"annotations": {"scope": "rule", "custom": {"control_id": "R-01"}}},
            {
                "annotations": {
                    "scope": "package",
                    "title": "T",
                    "custom": {
                        "control_id": "P-01",
                        "framework": "F",
                        "section": "S",
                        "severity": "low",
                        "stages": ["merge"],
                        "effective_from": "2020-01-01",
                    },
                },
                "location": {"file": "y"},
            },
        ]
    }
    assert [c.id for c in catalogue.controls_from_inspect(doc, tmp_path)] == ["P-01"]
