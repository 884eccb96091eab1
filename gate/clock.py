"""The gate's one clock.

The evaluation time is decided once, at the edge: the ``--now`` option of a command, or the
real time when it is not given. From there it is handed to everything that stamps or
compares times (collection, reproduction, the policy input, the example pipelines), so a
decision can be replayed byte for byte and tests can pin time without touching the system
clock. ``system_now`` is the only place in the project that reads the wall clock.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from typing import Any, TypeVar

import click


def format_instant(moment: _dt.datetime) -> str:
    """RFC 3339 in UTC with second precision and a ``Z``: the one time format we write."""
    utc = moment.astimezone(_dt.UTC).replace(microsecond=0)
    return utc.isoformat().replace("+00:00", "Z")


def system_now() -> str:
    """The real current time. Called only where no time was given at the edge."""
    return format_instant(_dt.datetime.now(_dt.UTC))


def parse_instant(text: str) -> _dt.datetime:
    """An RFC 3339 date-time with an explicit offset, or ValueError.

    A bare date or a time without offset is refused: which day "now" is depends on it.
    """
    value = text.strip()
    if "T" not in value.upper():
        raise ValueError(f"{text!r} is not an RFC 3339 date-time (e.g. 2026-11-30T12:00:00Z)")
    try:
        moment = _dt.datetime.fromisoformat(value.replace("z", "Z"))
    except ValueError:
        raise ValueError(
            f"{text!r} is not an RFC 3339 date-time (e.g. 2026-11-30T12:00:00Z)"
        ) from None
    if moment.tzinfo is None:
        raise ValueError(f"{text!r} has no UTC offset (add Z or +HH:MM)")
    return moment


def resolve_now(given: str | None) -> str:
    """The evaluation time: the one given at the edge, normalised, or the real time."""
    if given is None:
        return system_now()
    return format_instant(parse_instant(given))


def _checked_now(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """``--now`` is validated at the command line: a bad value is a usage error (exit 2)."""
    if value is None:
        return None
    try:
        return format_instant(parse_instant(value))
    except ValueError as err:
        raise click.BadParameter(str(err), ctx=ctx, param=param) from None


_Command = TypeVar("_Command", bound=Callable[..., Any])


def now_option(help_text: str) -> Callable[[_Command], _Command]:
    """The shared ``--now`` option; ``None`` means "the real time", resolved by the command."""
    return click.option("--now", default=None, callback=_checked_now, help=help_text)
