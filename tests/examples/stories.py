"""Each example tells one story, dated: its documents were written for a pull request opened
on STORY_DAY (the validator's review ten days before, waivers four months from expiry, the
last access review a fortnight before, ...).

To tell the same true story on any date, the example is laid out in the pull request's
repository as of the evaluation day: every date in its YAML documents moves by the whole
days between STORY_DAY and that day, so the intervals between events, and between each event
and the evaluation, stay as written. Dates of the regulations themselves live in policy data
and never move. The tests evaluate at STORY_DAY, so they see the files exactly as committed;
`make demo` evaluates at the real time and prints the shift it applied.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

from gate.clock import format_instant, parse_instant

STORY_DAY = dt.date(2026, 11, 30)
# The folders of an example whose YAML documents carry dated events.
DATED_FOLDERS = ("docs", "platform", "validation")
_DATE = re.compile(r"\b(\d{4}-\d{2}-\d{2})(T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2}))?\b")


def shift_days(now: str) -> int:
    """Whole days from STORY_DAY to the UTC day of ``now``."""
    return (parse_instant(now).astimezone(dt.UTC).date() - STORY_DAY).days


def shift_text(text: str, days: int) -> str:
    """``text`` with every ISO date and date-time moved by ``days`` days."""

    def moved(match: re.Match[str]) -> str:
        day, time = match.group(1), match.group(2)
        if time:
            return format_instant(parse_instant(day + time) + dt.timedelta(days=days))
        return (dt.date.fromisoformat(day) + dt.timedelta(days=days)).isoformat()

    return _DATE.sub(moved, text) if days else text


def lay_out(example: Path, dest: Path, now: str) -> int:
    """Copy ``example`` (without its outputs) to ``dest`` dated as of ``now``; returns the
    number of days its documents moved."""
    shutil.copytree(example, dest, ignore=shutil.ignore_patterns("out"))
    days = shift_days(now)
    for folder in DATED_FOLDERS:
        for path in sorted((dest / folder).glob("*.yml")):
            path.write_text(shift_text(path.read_text("utf-8"), days), "utf-8")
    return days
