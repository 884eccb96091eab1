"""Functions in gate/ stay small (at most 60 lines, the def line to the last line of the
body): a longer one is split into named steps, or listed below with the reason it is not."""

from __future__ import annotations

import ast

from conftest import ROOT

LIMIT = 60
# (file, function) -> why it is still longer. Shrink this table; a new entry needs a reason.
ALLOWED: dict[tuple[str, str], str] = {}


def _lengths() -> dict[tuple[str, str], int]:
    found = {}
    for path in sorted((ROOT / "gate").rglob("*.py")):
        tree = ast.parse(path.read_text("utf-8"), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                assert node.end_lineno is not None
                key = (path.relative_to(ROOT).as_posix(), node.name)
                found[key] = max(found.get(key, 0), node.end_lineno - node.lineno + 1)
    return found


def test_no_function_in_gate_is_longer_than_the_limit() -> None:
    lengths = _lengths()
    too_long = {key: n for key, n in lengths.items() if n > LIMIT and key not in ALLOWED}
    assert too_long == {}


def test_every_allowed_long_function_still_exists_and_is_still_long() -> None:
    lengths = _lengths()
    stale = [key for key in ALLOWED if lengths.get(key, 0) <= LIMIT]
    assert stale == [], "remove these from ALLOWED: they are no longer over the limit"
