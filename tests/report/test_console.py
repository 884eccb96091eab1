"""The terminal report: failures first, grouped by what to do, n/a folded, --only-failed,
rounded numbers, colour only when asked (a terminal), and the shared text helpers."""

from __future__ import annotations

import json
from pathlib import Path

from report_support import LONG_AUC, OUTCOME_LINE, failing_workspace

from gate.decision import Decision
from gate.report.console import to_console
from gate.report.context import ReportContext
from gate.report.github import command
from gate.report.text import clip_json, md_cell, md_code, round_numbers_in, short_digest


def test_failures_come_first_with_their_source_line(tmp_path: Path) -> None:
    ws = failing_workspace(tmp_path)
    code, out, _ = ws.check()
    assert code == 1
    assert out.index("To fix") < out.index("Approvals to get") < out.index("control ")
    assert f"at reports/validation.json:{OUTCOME_LINE}, $.validation.outcome" in out
    assert "0.6123 is below" in out and str(LONG_AUC) not in out
    rows = [line.split() for line in out.splitlines() if line.split()[1:2] in (["PASS"], ["FAIL"])]
    statuses = [row[1] for row in rows]
    assert statuses.index("FAIL") < statuses.index("PASS")
    assert "FAIL" not in statuses[statuses.index("PASS") :]
    # not-applicable controls are one line, not one row each
    assert not any(row[1:2] == ["n/a"] for row in (line.split() for line in out.splitlines()))
    assert len([line for line in out.splitlines() if line.strip().startswith("n/a:")]) == 1
    assert "\x1b[" not in out  # not a terminal: no colour


def test_only_failed_shows_only_what_needs_doing(tmp_path: Path) -> None:
    ws = failing_workspace(tmp_path)
    _, out, _ = ws.check("--only-failed")
    assert "FAIL" in out and "SR117-VAL-01" in out and "/approve validator" in out
    assert " PASS " not in out and "n/a:" not in out


def test_one_remediation_heads_every_violation_that_shares_it(tmp_path: Path) -> None:
    ws = failing_workspace(tmp_path)
    _, out, _ = ws.check("--format", "json")
    doc = json.loads(out)
    fix = "ask the validator"
    for v in doc["violations"]:
        v["remediation"] = fix
    text = to_console(Decision.from_json(doc))
    assert text.count(fix) == 1
    assert text.index(fix) < text.index("[SR117-DEV-03]") and text.index(fix) < text.index(
        "[SR117-VAL-01]"
    )


def test_colour_only_when_the_caller_says_terminal(tmp_path: Path) -> None:
    ws = failing_workspace(tmp_path)
    _, out, _ = ws.check("--format", "json")
    decision = Decision.from_json(json.loads(out))
    coloured = to_console(decision, ReportContext(color=True))
    assert "\x1b[" in coloured
    assert "\x1b[" not in to_console(decision, ReportContext(color=False))


def test_text_helpers() -> None:
    assert short_digest("sha256:" + "ab" * 32) == "ab" * 8
    assert md_cell("a|b\nc") == "a\\|b c"
    assert md_code("x `y` z") == "``x `y` z``"
    assert (
        round_numbers_in("psi 0.100448852949 over 0.1 (n=12345)") == "psi 0.1004 over 0.1 (n=12345)"
    )
    assert command("error", "50% done\nnext", file="a,b:c.yml", line=3) == (
        "::error file=a%2Cb%3Ac.yml,line=3::50%25 done%0Anext"
    )


def test_clipped_json_never_cuts_a_value() -> None:
    value = {"segments": [f"segment-{i:03d}" for i in range(100)], "n": 5}
    text = clip_json(value, 120)
    assert len(text) < 200
    assert "more" in text
    inner = text[text.index("[") + 1 : text.index("]")].split(", ")
    for item in inner[:-1]:
        assert json.loads(item).startswith("segment-")  # whole strings only
    assert clip_json([1, 2], 120) == "[1, 2]"
    long = clip_json("x" * 300, 40)
    assert json.loads(long).startswith("x") and "…" in long
