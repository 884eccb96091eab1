"""The document model of the documentation pack, and the helpers that read bundle values.

A pack is sections of blocks: key/value lists, tables, paragraphs and charts. Each section
also names the evidence it was generated from (file and sha256, from the bundle's
provenance) and the controls that read that evidence, so a reader can go from a sentence
to the file that supports it and to the control that judged it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

MISSING = "missing"
STATUS_ORDER = ("fail", "waived", "pass", "not_applicable")
STATUS_LABEL = {
    "pass": "pass",
    "fail": "fail",
    "waived": "waived",
    "not_applicable": "not applicable",
}


@dataclass
class KeyValues:
    kind: ClassVar[str] = "kv"
    rows: list[tuple[str, str]]


@dataclass
class Table:
    kind: ClassVar[str] = "table"
    caption: str
    headers: list[str]
    rows: list[list[str]]


@dataclass
class Paragraph:
    kind: ClassVar[str] = "paragraph"
    text: str
    warning: bool = False


@dataclass
class Chart:
    """A figure: its SVG, and the numbers it shows (the Markdown pack prints those)."""

    kind: ClassVar[str] = "chart"

    caption: str
    svg: str
    bars: list[tuple[str, float]]


Block = KeyValues | Table | Paragraph | Chart


@dataclass
class Source:
    """One piece of evidence a section was generated from."""

    path: str
    sha256: str
    section: str


@dataclass
class Section:
    id: str
    title: str
    blocks: list[Block] = field(default_factory=list)
    basis: str = ""
    sources: list[Source] = field(default_factory=list)
    controls: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Pack:
    title: str
    bundle_digest: str
    sections: list[Section]
    version: str = ""
    kind: str = "Model documentation"


def get(doc: Any, path: str) -> Any:
    """The value at a dotted path, or None."""
    node = doc
    for key in path.split("."):
        if isinstance(node, dict):
            node = node.get(key)
        elif isinstance(node, list) and key.isdigit() and int(key) < len(node):
            node = node[int(key)]
        else:
            return None
    return node


def present(value: Any) -> bool:
    return value is not None and value != "" and value != [] and value != {}


def text(value: Any) -> str:
    """A value as text; absent or empty values are ``missing``."""
    if value is None or value == "":
        return MISSING
    if value == [] or value == {}:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list):
        return "\n".join(text(v) for v in value)
    if isinstance(value, dict):
        # One entry a line: a map of lists (a hyperparameter grid) stays readable.
        return "\n".join(f"{k}: {_inline(v)}" for k, v in value.items())
    return str(value)


def _inline(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(_inline(v) for v in value) or "none"
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_inline(v)}" for k, v in value.items()) or "none"
    return text(value)


def kv(doc: Any, pairs: list[tuple[str, str]]) -> KeyValues:
    return KeyValues([(label, text(get(doc, path))) for label, path in pairs])


def objects(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def numbers(value: Any) -> dict[str, float]:
    if not isinstance(value, dict):
        return {}
    return {
        k: float(v)
        for k, v in value.items()
        if isinstance(v, int | float) and not isinstance(v, bool)
    }
