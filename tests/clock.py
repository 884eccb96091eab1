"""The tests' one clock.

Every test evaluates, collects and stamps at ``NOW`` (or at an instant derived from it) and
every git repository a test creates has its author and committer dates pinned, so no test
depends on the day it runs. ``conftest.py`` pins git's dates for the whole session; a test
that needs a commit at another time passes its own dates.
"""

from __future__ import annotations

import datetime as dt

from gate.clock import format_instant, parse_instant

NOW = "2026-11-30T12:00:00Z"
# Commits made by the tests without a date of their own: two hours before NOW, so that
# anything a commit freezes (thresholds, labeling) precedes the runs stamped at NOW.
DEFAULT_COMMIT_TIME = "2026-11-30T10:00:00Z"


def shifted(instant: str, **delta: float) -> str:
    """``instant`` moved by ``datetime.timedelta(**delta)``."""
    return format_instant(parse_instant(instant) + dt.timedelta(**delta))


def git_dates(instant: str) -> dict[str, str]:
    """Environment variables pinning git's author and committer dates to ``instant``."""
    return {"GIT_AUTHOR_DATE": instant, "GIT_COMMITTER_DATE": instant}
