"""Parsing approval commands out of pull-request comments and reviews. Pure: text in,
commands out.

A command is a line of its own in the text a reader sees on the rendered pull request::

    /approve <role> <bundle digest: all 64 hex digits, optionally after ``sha256:``>
    /revoke <role>

The body is parsed as GitHub renders it (CommonMark, with markdown-it-py rather than
line regexes, so the parser and GitHub agree on what a quote or a code block is). Never a
command: a quoted reply (``> ...``, lazy continuation lines included), a fenced or indented
code block, inline code, HTML blocks and comments (``<!-- ... -->``), and anything inside a
collapsed ``<details>`` element. Quoting someone's approval must not repeat it, and text a
reader cannot see must not approve.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from markdown_it import MarkdownIt
from markdown_it.token import Token

# The whole sha256: a prefix could be ground to match a bundle the approver never saw
# (12 hex digits are 48 bits, within reach of a search over harmless-looking edits).
DIGEST_HEX = 64

_ROLE = r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}"
_APPROVE = re.compile(
    rf"^[ \t]*/approve[ \t]+(?P<role>{_ROLE})[ \t]+(?:sha256:)?(?P<digest>[0-9A-Fa-f]{{64}})[ \t]*$"
)
_REVOKE = re.compile(rf"^[ \t]*/revoke[ \t]+(?P<role>{_ROLE})[ \t]*$")
_DIGEST = re.compile(r"(?<![0-9A-Za-z])(?:sha256:)?([0-9a-f]{64})(?![0-9A-Za-z])")
_DETAILS_OPEN = re.compile(r"<details\b", re.I)
_DETAILS_CLOSE = re.compile(r"</details\s*>", re.I)
_MARKDOWN = MarkdownIt("commonmark")


@dataclass(frozen=True)
class Command:
    """One approval command found in a comment."""

    kind: Literal["approve", "revoke"]
    role: str
    digest: str = ""


def _inline_lines(inline: Token) -> Iterator[str]:
    """The lines of an inline token made of plain text only. A line holding code, HTML,
    emphasis or a link is not plain and yields nothing."""
    line: list[str] = []
    plain = True
    for child in [*(inline.children or []), None]:
        if child is None or child.type in ("softbreak", "hardbreak"):
            if plain and line:
                yield "".join(line)
            line, plain = [], True
        elif child.type == "text":
            line.append(child.content)
        else:
            plain = False


def visible_lines(body: str) -> list[str]:
    """The plain-text lines of ``body`` a reader sees on the rendered page, outside quotes,
    code, HTML and collapsed ``<details>``."""
    lines: list[str] = []
    quote_depth = 0
    details_depth = 0
    for token in _MARKDOWN.parse(body):
        if token.type == "blockquote_open":
            quote_depth += 1
        elif token.type == "blockquote_close":
            quote_depth -= 1
        elif token.type == "html_block" or token.type == "inline":
            html = token.content if token.type == "html_block" else _inline_html(token)
            details_depth += len(_DETAILS_OPEN.findall(html))
            details_depth = max(0, details_depth - len(_DETAILS_CLOSE.findall(html)))
            if token.type == "inline" and quote_depth == 0 and details_depth == 0:
                lines.extend(_inline_lines(token))
    return lines


def _inline_html(inline: Token) -> str:
    return "".join(c.content for c in inline.children or [] if c.type == "html_inline")


def parse_commands(body: str) -> list[Command]:
    """Every ``/approve`` and ``/revoke`` command in ``body``, in order.

    An ``/approve`` naming less than the whole digest (:data:`DIGEST_HEX` hex digits) is
    not a command: a prefix can be matched by a bundle made to match it.
    """
    commands: list[Command] = []
    for line in visible_lines(body):
        approve = _APPROVE.match(line)
        if approve:
            commands.append(Command("approve", approve.group("role"), approve["digest"].lower()))
            continue
        revoke = _REVOKE.match(line)
        if revoke:
            commands.append(Command("revoke", revoke.group("role")))
    return commands


def digest_named(body: str, hex_digest: str) -> bool:
    """True when the visible text of ``body`` names the whole ``hex_digest`` (lower-case
    hex): what binds a review to the evidence."""
    return any(
        match.group(1) == hex_digest
        for line in visible_lines(body)
        for match in _DIGEST.finditer(line)
    )
