"""Which repository file and line a bundle field came from.

The bundle's ``provenance.sources`` says which file filled which section and that file's
sha256 at collection. A field is traced to the source covering the longest prefix of its
JSON path, and its line is read from that file's YAML/JSON node tree (PyYAML's composer
keeps every node's position; JSON is read by the same composer). A file that changed since
collection, or is missing, is not trusted for lines: the field then falls back to the bundle
file itself, and to nothing when there is none.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

# Source kinds whose file has the shape of the bundle section it fills, so a path inside
# the section is a path inside the file. Artefacts, DVC and MLflow files are transformed.
_STRUCTURAL_KINDS = ("documentation", "metrics", "validation", "other")


@dataclass(frozen=True)
class Location:
    """A 1-based line in a repository-relative file."""

    file: str
    line: int = 1


def path_parts(json_path: str) -> list[str | int]:
    """``$.a.b[2].c`` as ``["a", "b", 2, "c"]``."""
    parts: list[str | int] = []
    for chunk in json_path.removeprefix("$").replace("[", ".[").split("."):
        if not chunk:
            continue
        if chunk.startswith("[") and chunk.endswith("]") and chunk[1:-1].isdigit():
            parts.append(int(chunk[1:-1]))
        else:
            parts.append(chunk)
    return parts


def line_in(text: str, parts: Iterable[str | int]) -> int:
    """The line of the deepest node of ``parts`` present in the YAML or JSON ``text``
    (its key's line for a mapping entry); 1 when the text does not parse or has none."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return 1
    line = 1
    for part in parts:
        child, key_line = _child(node, part)
        if child is None:
            break
        node, line = child, key_line
    return line


def _child(node: yaml.Node | None, part: str | int) -> tuple[yaml.Node | None, int]:
    if isinstance(node, yaml.MappingNode) and isinstance(part, str):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == part:
                return value, key.start_mark.line + 1
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
        item = node.value[part]
        return item, item.start_mark.line + 1
    return None, 0


def _sources(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    provenance = bundle.get("provenance")
    sources = provenance.get("sources") if isinstance(provenance, dict) else None
    return [s for s in sources or [] if isinstance(s, dict) and isinstance(s.get("path"), str)]


def _covering(
    sources: list[dict[str, Any]], parts: list[str | int]
) -> tuple[str, str, list[str | int]]:
    """(file, sha256, path inside the file) of the source covering most of ``parts``."""
    best: tuple[int, str, str, list[str | int]] | None = None
    for src in sources:
        if src.get("kind") not in _STRUCTURAL_KINDS or not isinstance(src.get("section"), str):
            continue
        for section in src["section"].split(","):
            prefix: list[str | int] = list(section.split("."))
            if parts[: len(prefix)] != prefix:
                continue
            # A documentation file holds whole sections by name; a mapped file holds the
            # section's content at its root.
            inner = parts if src["kind"] == "documentation" else parts[len(prefix) :]
            if best is None or len(prefix) > best[0]:
                best = (len(prefix), src["path"], str(src.get("sha256", "")), inner)
    return (best[1], best[2], best[3]) if best else ("", "", [])


def _read_unchanged(root: Path, rel: str, sha256: str | None) -> str | None:
    """The text of ``rel`` under ``root`` if it is inside, readable and (when ``sha256`` is
    given) as collected."""
    if "://" in rel or rel.startswith("/"):
        return None
    try:
        real = (root / rel).resolve()
        if not real.is_relative_to(root.resolve()) or not real.is_file():
            return None
        data = real.read_bytes()
    except OSError:
        return None
    if sha256 is not None and hashlib.sha256(data).hexdigest() != sha256:
        return None
    return data.decode("utf-8", errors="replace")


def _named_file(bundle: dict[str, Any], parts: list[str | int], root: Path) -> str | None:
    """The repository file a section along ``parts`` names in its ``uri`` or ``path``."""
    node: Any = bundle
    found: str | None = None
    for part in parts:
        if isinstance(node, dict) and isinstance(part, str):
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
        else:
            break
        for key in ("uri", "path"):
            value = node.get(key) if isinstance(node, dict) else None
            if isinstance(value, str) and _read_unchanged(root, value, None) is not None:
                found = value
    return found


def locate(
    json_path: str,
    bundle: dict[str, Any],
    root: Path,
    bundle_file: str | None = None,
    bundle_text: str | None = None,
) -> Location | None:
    """Where a person would edit the field at ``json_path`` of ``bundle``: the source file
    that filled it, else a file its section names, else its line in the bundle file."""
    parts = path_parts(json_path)
    rel, sha, inner = _covering(_sources(bundle), parts)
    if rel:
        text = _read_unchanged(root, rel, sha)
        if text is not None:
            return Location(rel, line_in(text, inner))
    named = _named_file(bundle, parts, root)
    if named:
        return Location(named)
    if bundle_file:
        return Location(bundle_file, line_in(bundle_text, parts) if bundle_text else 1)
    return None


def locate_all(
    json_paths: Iterable[str],
    bundle: dict[str, Any],
    root: Path,
    bundle_file: str | None = None,
    bundle_text: str | None = None,
) -> dict[str, Location]:
    """:func:`locate` for each path that has a location."""
    found = {}
    for path in json_paths:
        where = locate(path, bundle, root, bundle_file, bundle_text)
        if where is not None:
            found[path] = where
    return found
