"""Parsing approval commands out of pull-request comments. Pure: text in, commands out.

A command is a line of its own, outside any quote or code block::

    /approve <role> <bundle-digest prefix, at least 12 hex digits>
    /revoke <role>

Lines inside a quoted reply (``> ...``), a fenced code block (```` ``` ```` or ``~~~``) or
an indented code block (four spaces or a tab) are never commands: quoting someone's
approval must not repeat it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

MIN_PREFIX = 12

_ROLE = r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}"
_APPROVE = re.compile(
    rf"^[ \t]*/approve[ \t]+(?P<role>{_ROLE})[ \t]+(?:sha256:)?(?P<prefix>[0-9A-Fa-f]+)[ \t]*$"
)
_REVOKE = re.compile(rf"^[ \t]*/revoke[ \t]+(?P<role>{_ROLE})[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(?P<fence>`{3,}|~{3,})")
_QUOTE = re.compile(r"^ {0,3}>")
_INDENTED = re.compile(r"^(?: {4}|\t)")


@dataclass(frozen=True)
class Command:
    """One approval command found in a comment."""

    kind: Literal["approve", "revoke"]
    role: str
    digest_prefix: str = ""


def _live_lines(body: str) -> list[str]:
    """The lines of ``body`` that are neither quoted nor inside a code block."""
    live: list[str] = []
    fence: str | None = None
    for line in body.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        match = _FENCE.match(line)
        if fence is not None:
            if (
                match
                and match.group("fence")[0] == fence[0]
                and len(match.group("fence")) >= len(fence)
            ):
                fence = None
            continue
        if match:
            fence = match.group("fence")
            continue
        if _QUOTE.match(line) or _INDENTED.match(line):
            continue
        live.append(line)
    return live


def parse_commands(body: str) -> list[Command]:
    """Every ``/approve`` and ``/revoke`` command in ``body``, in order.

    An ``/approve`` whose digest prefix is shorter than :data:`MIN_PREFIX` hex digits is
    not a command: a short prefix would be too easy to match by chance.
    """
    commands: list[Command] = []
    for line in _live_lines(body):
        approve = _APPROVE.match(line)
        if approve and len(approve.group("prefix")) >= MIN_PREFIX:
            prefix = approve.group("prefix").lower()
            if len(prefix) <= 64:
                commands.append(Command("approve", approve.group("role"), prefix))
            continue
        revoke = _REVOKE.match(line)
        if revoke:
            commands.append(Command("revoke", revoke.group("role")))
    return commands
