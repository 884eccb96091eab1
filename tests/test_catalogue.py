"""The control catalogue comes from the policies' METADATA, and docs/controls.md stays current."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import ROOT
from gate import catalogue
from gate.cli import cli
from gate.engine.toolchain import OpaBinary
from gate.policy import default_policy_dir

# Every control of the regulatory catalogue the project implements (70), by id.
CATALOGUE_IDS = {
    "EUAIA-ACC-01",
    "EUAIA-CA-01",
    "EUAIA-CLS-01",
    "EUAIA-DATA-01",
    "EUAIA-DATA-02",
    "EUAIA-DATA-03",
    "EUAIA-DOC-01",
    "EUAIA-DOC-02",
    "EUAIA-FRIA-01",
    "EUAIA-HO-01",
    "EUAIA-IFU-01",
    "EUAIA-INC-01",
    "EUAIA-LOG-01",
    "EUAIA-PMM-01",
    "EUAIA-QMS-01",
    "EUAIA-RMS-01",
    "EUAIA-RMS-02",
    "EUAIA-SEC-01",
    "EUAIA-SUB-01",
    "FDA-GMLP-01",
    "FDA-GMLP-02",
    "FDA-GMLP-03",
    "FDA-GMLP-04",
    "FDA-GMLP-05",
    "FDA-GMLP-06",
    "FDA-GMLP-07",
    "FDA-GMLP-08",
    "FDA-GMLP-09",
    "FDA-PCCP-01",
    "FDA-PCCP-02",
    "FDA-PCCP-03",
    "FDA-PCCP-04",
    "FL-AAN-01",
    "FL-AAN-02",
    "FL-AAN-03",
    "FL-DI-01",
    "FL-PB-01",
    "MON-FAIR-01",
    "MON-PSI-01",
    "SOC2-AC-01",
    "SOC2-CM-01",
    "SOC2-CM-02",
    "SOC2-CM-03",
    "SOC2-CM-04",
    "SOC2-CM-05",
    "SOC2-CM-06",
    "SOC2-CM-07",
    "SOC2-CM-08",
    "SOC2-OPS-01",
    "SR117-DEV-01",
    "SR117-DEV-02",
    "SR117-DEV-03",
    "SR117-DEV-04",
    "SR117-EXC-01",
    "SR117-GOV-01",
    "SR117-IMP-01",
    "SR117-INV-01",
    "SR117-LIM-01",
    "SR117-MON-01",
    "SR117-MON-02",
    "SR117-TIER-01",
    "SR117-VAL-01",
    "SR117-VAL-02",
    "SR117-VAL-03",
    "SR117-VAL-04",
    "SR117-VAL-05",
    "SR117-VAL-06",
    "SR117-VAL-07",
    "SR117-VAL-08",
    "SR117-VEN-01",
}
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


def test_every_catalogue_control_is_implemented(opa: OpaBinary) -> None:
    implemented = {c.id for c in _controls(opa)}
    assert len(CATALOGUE_IDS) == 70
    assert CATALOGUE_IDS - implemented == set()
    assert implemented - CATALOGUE_IDS == {
        "GATE-APPL-01",
        "GATE-REP-01",
        "GATE-PROV-01",
        "GATE-WF-01",
    }


def _dated_doc(path: object) -> dict[str, object]:
    custom = {"control_id": "P-01", "severity": "low", "effective_from_data": path}
    return {"annotations": [{"annotations": {"scope": "package", "custom": custom}}]}


def test_effective_from_data_is_read_from_the_policy_settings(tmp_path: Path) -> None:
    settings = {"reg": {"dates": {"in_force": "2027-12-02"}}}
    [ctl] = catalogue.controls_from_inspect(
        _dated_doc(["reg", "dates", "in_force"]), tmp_path, settings
    )
    assert ctl.effective_from == "2027-12-02"


def test_effective_from_data_naming_no_date_is_an_engine_error(tmp_path: Path) -> None:
    with pytest.raises(catalogue.EngineError, match="names no date"):
        catalogue.controls_from_inspect(_dated_doc(["reg", "absent"]), tmp_path, {})


def test_shipped_sr_controls_take_the_sr_11_7_date_from_data(opa: OpaBinary) -> None:
    val02 = next(c for c in _controls(opa) if c.id == "SR117-VAL-02")
    assert val02.effective_from == "2011-04-04"
