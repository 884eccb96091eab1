"""`record` and `monitor` print the decision in the formats of `check`: SARIF against the
OASIS schema, JUnit through junitparser, GitHub workflow commands."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import junitparser
from click.testing import CliRunner
from jsonschema import Draft4Validator
from report_support import OUTCOME_LINE, failing_workspace
from test_formats import SARIF_SCHEMA

from conftest import NOW, ROOT
from gate.cli import cli

sys.path.insert(0, str(ROOT / "tests" / "monitor"))
from monitor_support import build, drift  # noqa: E402


def test_record_prints_sarif_and_still_records(tmp_path: Path) -> None:
    ws = failing_workspace(tmp_path)
    ledger = tmp_path / "ledger.jsonl"
    result = CliRunner().invoke(
        cli,
        ["record", "--bundle", str(ws.bundle), "--stage", "production", "--now", NOW,
         "--ledger", str(ledger), "--format", "sarif"],
        env={"GITHUB_WORKSPACE": str(ws.root)},
    )  # fmt: skip
    assert result.exit_code == 1, result.stderr
    doc = json.loads(result.stdout)
    assert list(Draft4Validator(SARIF_SCHEMA).iter_errors(doc)) == []
    located = {
        r["ruleId"]: r["locations"][0]["physicalLocation"]
        for r in doc["runs"][0]["results"]
        if r.get("locations")
    }
    assert located["SR117-VAL-01"]["region"]["startLine"] == OUTCOME_LINE
    assert len(ledger.read_text("utf-8").splitlines()) == 1


def test_monitor_alert_as_junit_and_github(tmp_path: Path) -> None:
    credit = build()
    base = credit.window(credit.train, "t")
    drifted = credit.window(drift(credit), "d", override_share=0.12)
    files = {"base": base, "cur": drifted, "out": credit.outcomes(drifted)}
    for name, frame in files.items():
        frame.to_csv(tmp_path / f"{name}.csv", index=False)
    bundle = tmp_path / "bundle.json"
    bundle.write_text(json.dumps(credit.bundle(base, credit.holdout)), "utf-8")
    args = ["monitor", "--bundle", str(bundle), "--baseline", str(tmp_path / "base.csv"),
            "--current", str(tmp_path / "cur.csv"), "--outcomes", str(tmp_path / "out.csv"),
            "--output", str(tmp_path / "monitored.json"), "--now", NOW]  # fmt: skip
    junit = CliRunner().invoke(cli, [*args, "--format", "junit"])
    assert junit.exit_code == 1, junit.output
    [suite] = list(junitparser.JUnitXml.fromstring(junit.stdout))
    failed = [c for c in suite if c.result and isinstance(c.result[0], junitparser.Failure)]
    assert failed and suite.name.startswith("mrm-gate monitoring")
    github = CliRunner().invoke(cli, [*args, "--format", "github"])
    assert github.exit_code == 1
    errors = [line for line in github.stdout.splitlines() if line.startswith("::error")]
    assert len(errors) >= len(failed)
