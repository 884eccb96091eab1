"""Reading evidence files strictly and writing outputs atomically.

Strict means: UTF-8 only, a size limit, no duplicate keys, no YAML aliases (which is how
alias bombs are built), no non-finite numbers. Every failure names the file.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from gate.errors import EvidenceError, Problem

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
# Evidence is a document, not a data dump: deeper nesting or longer strings than these are
# refused (exit 2) before anything else reads them, so no later step can be made to
# recurse without bound or to carry a megabyte into a report or an annotation.
MAX_DEPTH = 64
MAX_STRING = 64 * 1024


class _NonFinite:
    """A JSON number too large for a float (``1e999``), kept until its path is known."""

    def __init__(self, literal: str) -> None:
        self.literal = literal


def _parse_float(literal: str) -> Any:
    value = float(literal)
    return value if math.isfinite(value) else _NonFinite(literal)


def _limit_problem(name: str, path: str, message: str, fix: str) -> EvidenceError:
    return EvidenceError(f"{name}: {path}: {message}", [Problem(name, path, message, fix)])


def check_limits(value: Any, name: str) -> None:
    """Refuse nesting deeper than MAX_DEPTH, strings over MAX_STRING, non-finite numbers.

    A document within the limits is walked once without building any JSON path; only one
    that breaks a limit is walked again to name where.
    """
    if not _within_limits(value):
        _locate_limit(value, name)


def _within_limits(value: Any, depth: int = 0) -> bool:
    """Whether ``value`` keeps every limit; it never descends past MAX_DEPTH. Strings,
    numbers and nulls, most of a document, are judged in the loop without a call."""
    if isinstance(value, dict):
        for key in value:
            if len(key) > MAX_STRING:
                return False
        items: Iterable[Any] = value.values()
    elif isinstance(value, list):
        items = value
    elif isinstance(value, str):
        return len(value) <= MAX_STRING
    elif isinstance(value, float):
        return math.isfinite(value)
    else:
        return not isinstance(value, _NonFinite)
    if value and depth >= MAX_DEPTH:
        return False
    for item in items:
        if isinstance(item, str):
            if len(item) > MAX_STRING:
                return False
        elif isinstance(item, int) or item is None:
            continue
        elif isinstance(item, float):
            if not math.isfinite(item):
                return False
        elif not _within_limits(item, depth + 1):
            return False
    return True


def _locate_limit(value: Any, name: str, path: str = "$", depth: int = 0) -> None:
    """Raise the problem of the first limit ``value`` breaks, with its JSON path."""
    if depth > MAX_DEPTH:
        raise _limit_problem(
            name, path, f"nested deeper than {MAX_DEPTH} levels", "flatten the structure"
        )
    if isinstance(value, dict):
        for key, item in value.items():
            here = f"{path}.{key[:80]}"
            if len(key) > MAX_STRING:
                raise _limit_problem(name, here, "key too long", "use a short key")
            _locate_limit(item, name, here, depth + 1)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _locate_limit(item, name, f"{path}[{i}]", depth + 1)
    elif isinstance(value, str):
        if len(value) > MAX_STRING:
            raise _limit_problem(
                name,
                path,
                f"string of {len(value)} characters, over the limit of {MAX_STRING}",
                "put long content in a file and reference it with its sha256",
            )
    elif isinstance(value, _NonFinite):
        raise _limit_problem(
            name, path, f"number {value.literal} is not finite", "write a finite number or null"
        )
    elif isinstance(value, float) and not math.isfinite(value):
        raise _limit_problem(
            name, path, "NaN or infinity is not evidence", "write a finite number or null"
        )


def _too_deep(name: str) -> EvidenceError:
    return _limit_problem(
        name, "$", f"nested far deeper than {MAX_DEPTH} levels", "flatten the structure"
    )


def read_text(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES, label: str | None = None) -> str:
    """Read a UTF-8 text file no larger than ``max_bytes``."""
    name = label or str(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise EvidenceError(
            f"{name}: file not found",
            [Problem(name, "$", "the file does not exist", "create it or fix the path")],
        ) from None
    except OSError as exc:
        raise EvidenceError(f"{name}: cannot read: {exc.strerror}") from exc
    if size > max_bytes:
        raise EvidenceError(
            f"{name}: file is {size} bytes, over the limit of {max_bytes}",
            [
                Problem(
                    name,
                    "$",
                    f"file larger than {max_bytes} bytes",
                    "shrink the file or raise limits.max_file_bytes in .mrm-gate.yml",
                )
            ],
        )
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise EvidenceError(f"{name}: cannot read: {exc.strerror}") from exc
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise EvidenceError(
            f"{name}: not valid UTF-8 (byte {exc.start})",
            [
                Problem(
                    name, "$", f"invalid UTF-8 at byte offset {exc.start}", "save the file as UTF-8"
                )
            ],
        ) from None


def _no_duplicates(name: str):  # type: ignore[no-untyped-def]
    def hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in pairs:
            if key in out:
                raise EvidenceError(
                    f"{name}: duplicate key {key!r}",
                    [
                        Problem(
                            name,
                            "$",
                            f"key {key!r} appears twice in one object",
                            "keep exactly one entry for each key",
                        )
                    ],
                )
            out[key] = value
        return out

    return hook


def _reject_constant(value: str) -> Any:
    raise ValueError(f"non-finite number {value} is not allowed")


def parse_json(text: str, name: str) -> Any:
    """Parse JSON text, rejecting duplicate keys and NaN/Infinity."""
    try:
        doc = json.loads(
            text,
            object_pairs_hook=_no_duplicates(name),
            parse_constant=_reject_constant,
            parse_float=_parse_float,
        )
    except RecursionError:
        raise _too_deep(name) from None
    except json.JSONDecodeError as exc:
        raise EvidenceError(
            f"{name}: malformed JSON at line {exc.lineno} column {exc.colno}: {exc.msg}",
            [
                Problem(
                    name,
                    "$",
                    f"malformed JSON (line {exc.lineno}, column {exc.colno})",
                    "fix the syntax; `python -m json.tool FILE` shows where",
                )
            ],
        ) from None
    except ValueError as exc:
        raise EvidenceError(
            f"{name}: {exc}", [Problem(name, "$", str(exc), "write a finite number or null")]
        ) from None
    check_limits(doc, name)
    return doc


def _jsonable(value: Any, name: str, path: str, depth: int) -> Any:
    """YAML gives dates and non-string keys; evidence is JSON, so convert or refuse."""
    import datetime as _dt

    if depth > MAX_DEPTH:
        raise _limit_problem(
            name, path, f"nested deeper than {MAX_DEPTH} levels", "flatten the structure"
        )
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if not isinstance(k, str):
                k = str(k).lower() if isinstance(k, bool) else str(k)
            out[k] = _jsonable(v, name, f"{path}.{k}", depth + 1)
        return out
    if isinstance(value, list):
        return [_jsonable(v, name, f"{path}[{i}]", depth + 1) for i, v in enumerate(value)]
    if isinstance(value, _dt.datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        raise EvidenceError(
            f"{name}: {path}: non-finite number",
            [
                Problem(
                    name, path, "NaN or infinity is not evidence", "write a finite number or null"
                )
            ],
        )
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise EvidenceError(f"{name}: {path}: unsupported YAML value of type {type(value).__name__}")


def parse_yaml(text: str, name: str) -> Any:
    """Parse YAML safely: no aliases, no duplicate keys, no custom tags."""
    import yaml  # only YAML evidence pays for importing PyYAML

    from gate.yaml_strict import StrictLoader

    try:
        doc = yaml.load(text, Loader=StrictLoader)  # noqa: S506 - strict SafeLoader subclass
    except RecursionError:
        raise _too_deep(name) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" at line {mark.line + 1} column {mark.column + 1}" if mark else ""
        what = exc.problem or exc.context or "invalid YAML"
        raise EvidenceError(
            f"{name}: malformed YAML{where}: {what}",
            [Problem(name, "$", f"{what}{where}", "fix the YAML syntax")],
        ) from None
    except yaml.YAMLError as exc:
        raise EvidenceError(f"{name}: malformed YAML: {exc}") from None
    value = _jsonable(doc, name, "$", 0)
    check_limits(value, name)
    return value


def load_document(
    path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES, label: str | None = None
) -> Any:
    """Load a JSON or YAML file, chosen by its extension."""
    name = label or str(path)
    text = read_text(path, max_bytes=max_bytes, label=name)
    if path.suffix.lower() in (".yml", ".yaml"):
        return parse_yaml(text, name)
    return parse_json(text, name)


def canonical_json(value: Any) -> bytes:
    """Canonical JSON: sorted keys, no insignificant whitespace, UTF-8."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def write_atomic(path: Path, data: bytes | str) -> None:
    """Write a file so that readers see either the old content or the whole new content."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
