"""Every decision names the supervisory guidance it applied (SR 11-7 until 17 Apr 2026, SR 26-2
from then, or the bank's selection), and every output says so. Dates are explicit, either side
of the switch; the expected values are written here by hand."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import asset
from gate.cli import cli

CREDIT = asset("bundles", "credit-complete.json")
BEFORE = "2026-04-16T23:59:59Z"  # the last second of SR 11-7
AFTER = "2026-04-17T00:00:00Z"  # the first second of SR 26-2
LATER = "2026-11-30T12:00:00Z"

SR_11_7_IN_FORCE = {
    "selected": "SR 26-2",
    "applied": "SR 11-7",
    "in_force": "SR 11-7",
    "effective_from": "2011-04-04",
    "effective_until": "2026-04-17",
}
SR_26_2_IN_FORCE = {
    "selected": "SR 26-2",
    "applied": "SR 26-2",
    "in_force": "SR 26-2",
    "effective_from": "2026-04-17",
    "effective_until": "",
}
SR_11_7_KEPT = {
    "selected": "SR 11-7",
    "applied": "SR 11-7",
    "in_force": "SR 26-2",
    "effective_from": "2011-04-04",
    "effective_until": "2026-04-17",
}
TEXT_BEFORE = (
    "SR 11-7 (in force from 2011-04-04 until 2026-04-17); "
    "SR 26-2, selected by the policy data, was not yet issued"
)
TEXT_AFTER = "SR 26-2 (in force from 2026-04-17)"
TEXT_KEPT = (
    "SR 11-7 (in force from 2011-04-04 until 2026-04-17), selected by the policy data; "
    "SR 26-2 is in force on the decision date"
)


def check(now: str, fmt: str, *extra: str) -> str:
    result = CliRunner().invoke(
        cli,
        ["check", "--bundle", str(CREDIT), "--stage", "merge", "--now", now, "--format", fmt,
         *extra],
    )  # fmt: skip
    assert result.exit_code in (0, 1), result.stderr
    return result.stdout


def keep_sr_11_7(tmp: Path) -> str:
    path = tmp / "bank.json"
    path.write_text(json.dumps({"gate": {"overrides": {"sr117": {"guidance": "SR 11-7"}}}}))
    return str(path)


@pytest.mark.parametrize(
    ("now", "expected"), [(BEFORE, SR_11_7_IN_FORCE), (AFTER, SR_26_2_IN_FORCE)]
)
def test_json_decision_names_the_guidance_in_force(now: str, expected: dict[str, str]) -> None:
    assert json.loads(check(now, "json"))["guidance"] == expected


def test_json_decision_names_the_banks_superseded_selection(tmp_path: Path) -> None:
    doc = json.loads(check(LATER, "json", "--data", keep_sr_11_7(tmp_path)))
    assert doc["guidance"] == SR_11_7_KEPT


@pytest.mark.parametrize(("now", "text"), [(BEFORE, TEXT_BEFORE), (AFTER, TEXT_AFTER)])
def test_table_and_markdown_say_the_guidance(now: str, text: str) -> None:
    assert f"  guidance  {text}\n" in check(now, "table")
    assert f"\nSupervisory guidance: {text}\n" in check(now, "markdown")


def test_markdown_says_the_bank_keeps_sr_11_7(tmp_path: Path) -> None:
    out = check(LATER, "markdown", "--data", keep_sr_11_7(tmp_path))
    assert f"\nSupervisory guidance: {TEXT_KEPT}\n" in out


def test_sarif_carries_the_guidance_object() -> None:
    doc = json.loads(check(BEFORE, "sarif"))
    assert doc["runs"][0]["invocations"][0]["properties"]["guidance"] == SR_11_7_IN_FORCE


def test_junit_properties_name_the_guidance(tmp_path: Path) -> None:
    root = ET.fromstring(check(LATER, "junit", "--data", keep_sr_11_7(tmp_path)))
    props = {p.get("name"): p.get("value") for p in root.iter("property")}
    assert props["guidance"] == TEXT_KEPT
    assert props["guidance_applied"] == "SR 11-7"


def test_github_summary_names_the_guidance() -> None:
    last = check(AFTER, "github").splitlines()[-1]
    assert last.endswith(f"missing approval(s); supervisory guidance {TEXT_AFTER}")


def test_unknown_selection_is_denied_with_what_to_set(tmp_path: Path) -> None:
    path = tmp_path / "bank.json"
    path.write_text(json.dumps({"gate": {"overrides": {"sr117": {"guidance": "SR 99-1"}}}}))
    doc = json.loads(check(LATER, "json", "--data", str(path)))
    assert doc["allow"] is False
    assert [v["msg"] for v in doc["violations"]] == [
        'policy data sr117.guidance "SR 99-1" names no known guidance (known: SR 11-7, SR 26-2);'
        " set it to one of them"
    ]
    assert doc["guidance"]["applied"] == ""
    assert "  guidance  none in force on the decision date\n" in check(
        LATER, "table", "--data", str(path)
    )
