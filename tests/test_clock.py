"""The one clock: `--now` validated at the edge, and no second source of "now"."""

from __future__ import annotations

import re
import sys

import pytest
from click.testing import CliRunner

from conftest import ROOT, asset
from gate.cli import cli
from gate.clock import parse_instant, resolve_now

sys.path.insert(0, str(ROOT / "tests" / "examples"))
from stories import shift_days, shift_text  # noqa: E402

# Ways Python code reads the wall clock as a date or time of day.
WALL_CLOCK = re.compile(
    r"datetime\.(now|utcnow|today)\(|date\.today\(|time\.(time|localtime|gmtime|ctime)\(|"
    r"time\.strftime\(|np\.datetime64\(\s*[\"']now"
)


def test_no_module_reads_the_wall_clock_but_the_clock() -> None:
    offenders = []
    for folder in ("gate", "scripts", "examples"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if path == ROOT / "gate" / "clock.py":
                continue
            for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
                if WALL_CLOCK.search(line):
                    offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []


@pytest.mark.parametrize(
    "value", ["yesterday", "2026-11-30", "2026-11-30T12:00:00", "2026-13-01T00:00:00Z"]
)
def test_a_bad_now_is_a_usage_error(value: str) -> None:
    bundle = asset("bundles", "credit-complete.json")
    res = CliRunner().invoke(
        cli, ["check", "--bundle", str(bundle), "--stage", "merge", "--now", value]
    )
    assert res.exit_code == 2, res.output
    assert "--now" in res.output


def test_now_is_normalised_to_utc_seconds() -> None:
    assert resolve_now("2026-11-30T13:30:15.25+01:30") == "2026-11-30T12:00:15Z"
    with pytest.raises(ValueError, match="no UTC offset"):
        parse_instant("2026-11-30T12:00:00")


def test_story_dates_move_by_whole_days_and_keep_their_form() -> None:
    text = 'completed_at: "2026-11-20T16:00:00Z"\nlast: "2026-11-20"\nid: VAL-2026-0001\n'
    assert shift_text(text, 0) == text
    assert shift_text(text, 33) == (
        'completed_at: "2026-12-23T16:00:00Z"\nlast: "2026-12-23"\nid: VAL-2026-0001\n'
    )
    assert shift_days("2026-11-30T23:59:59Z") == 0
    assert shift_days("2029-06-01T00:00:00Z") == 914
