"""Text written once for every output: Markdown escaping, digest shortening, the verdict's
wording, status labels and rounded numbers."""

from __future__ import annotations

import json
import re
from typing import Any

STATUS_LABELS = {"pass": "PASS", "fail": "FAIL", "waived": "WAIVED", "not_applicable": "n/a"}
# Significant digits kept for a number shown to a person; the JSON output keeps them all.
SIGNIFICANT = 4
_FLOAT = re.compile(r"(?<![\w.])-?\d+\.\d{5,}(?:[eE][-+]?\d+)?")


def verdict(allow: bool) -> str:
    """The decision in one word, as every output says it."""
    return "allowed" if allow else "denied"


def guidance_text(guidance: dict[str, str]) -> str:
    """The supervisory guidance a decision applied, as every output says it: which one, its
    dates, and why it is not the one in force or the one selected where it is not."""
    applied = guidance["applied"]
    if not applied:
        return "none in force on the decision date"
    span = f"in force from {guidance['effective_from']}"
    if guidance["effective_until"]:
        span += f" until {guidance['effective_until']}"
    text = f"{applied} ({span})"
    if applied != guidance["in_force"]:
        in_force = guidance["in_force"] or "none"
        return f"{text}, selected by the policy data; {in_force} is in force on the decision date"
    if guidance["selected"] != applied:
        return f"{text}; {guidance['selected']}, selected by the policy data, was not yet issued"
    return text


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status)


def short_digest(digest: str, length: int = 16) -> str:
    """The first ``length`` hex digits of a ``sha256:`` digest (what an approver types)."""
    return digest.removeprefix("sha256:")[:length]


def approval_instruction(req: dict[str, Any], digest: str) -> str:
    """What an approver types in the pull request to give ``req``: the whole digest, the
    only form ``/approve`` accepts (a prefix could be matched by another bundle)."""
    return f"/approve {req['role']} {digest.removeprefix('sha256:')}"


def md_cell(text: object) -> str:
    """``text`` made safe for one cell of a Markdown table."""
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ")


def md_code(text: object) -> str:
    """``text`` as inline code, with a fence longer than any backtick run inside it."""
    value = str(text).replace("\n", " ")
    runs = [len(r) for r in re.findall(r"`+", value)]
    fence = "`" * (max(runs, default=0) + 1)
    pad = " " if value.startswith("`") or value.endswith("`") else ""
    return f"{fence}{pad}{value}{pad}{fence}"


def round_number(value: float) -> str:
    """A float for a person: ``SIGNIFICANT`` significant digits, no exponent for usual sizes."""
    return f"{value:.{SIGNIFICANT}g}"


def round_numbers_in(text: str) -> str:
    """Every long decimal inside a message (``0.100448852949``) shortened for reading."""
    return _FLOAT.sub(lambda m: round_number(float(m.group(0))), text)


def clip_json(value: Any, limit: int = 120) -> str:
    """``value`` as JSON of at most about ``limit`` characters, never cut inside a value:
    long containers lose their tail items (``…`` says so) and long strings their middle."""
    text = json.dumps(value, ensure_ascii=False)
    if len(text) <= limit:
        return text
    if isinstance(value, str):
        keep = max(limit // 2 - 3, 1)
        return json.dumps(f"{value[:keep]}…{value[-keep:]}", ensure_ascii=False)
    if isinstance(value, dict):
        parts = [f"{json.dumps(k)}: {clip_json(v, limit // 2)}" for k, v in value.items()]
        return _join_clipped(parts, "{", "}", limit)
    if isinstance(value, list):
        return _join_clipped([clip_json(v, limit // 2) for v in value], "[", "]", limit)
    return text


def _join_clipped(parts: list[str], open_: str, close: str, limit: int) -> str:
    kept: list[str] = []
    for part in parts:
        if len(", ".join([*kept, part])) + 2 > limit:
            more = len(parts) - len(kept)
            return f"{open_}{', '.join([*kept, f'… {more} more'])}{close}"
        kept.append(part)
    return f"{open_}{', '.join(kept)}{close}"
