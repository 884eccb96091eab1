"""gate.fileio.check_limits at each limit's edge: the walk that builds no paths accepts
exactly what the walk that names the path accepts (each verdict written by hand)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from gate.errors import EvidenceError
from gate.fileio import MAX_STRING, _locate_limit, _within_limits, check_limits, parse_json


def nested(levels: int, inner: Any) -> Any:
    """``inner`` under ``levels`` lists: the root is depth 0, ``inner`` depth ``levels``."""
    node = inner
    for _ in range(levels):
        node = [node]
    return node


def object_nested(levels: int, inner: Any) -> Any:
    node = inner
    for _ in range(levels):
        node = {"k": node}
    return node


CASES: list[tuple[str, Any, str | None]] = [
    ("empty object", {}, None),
    ("scalar at depth 64", nested(64, 1), None),
    ("empty list at depth 64", nested(64, []), None),
    ("empty object at depth 64", object_nested(64, {}), None),
    ("list at depth 64 holding one item", nested(64, [1]), "$" + "[0]" * 65),
    ("object at depth 64 holding one item", object_nested(64, {"x": 1}), "$" + ".k" * 64 + ".x"),
    ("string at the limit", {"s": "x" * MAX_STRING}, None),
    ("string over the limit", {"s": "x" * (MAX_STRING + 1)}, "$.s"),
    ("string in a list", [1, ["x" * (MAX_STRING + 1)]], "$[1][0]"),
    ("string as the whole document", "x" * (MAX_STRING + 1), "$"),
    ("key at the limit", {"k" * MAX_STRING: 1}, None),
    ("key over the limit", {"a": {"k" * (MAX_STRING + 1): 1}}, "$.a." + "k" * 80),
    ("booleans, nulls, floats", {"a": [True, None, 1.5, -0.0, 10**30]}, None),
]


@pytest.mark.parametrize(("doc", "where"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_both_walks_agree_at_the_edges(doc: Any, where: str | None) -> None:
    assert _within_limits(doc) is (where is None)
    if where is None:
        _locate_limit(doc, "f.json")
        check_limits(doc, "f.json")
        return
    for walk in (_locate_limit, check_limits):
        with pytest.raises(EvidenceError) as raised:
            walk(doc, "f.json")
        assert [p.json_path for p in raised.value.problems] == [where]


@pytest.mark.parametrize(
    ("text", "where"),
    [("1e999", "$"), ('{"a": [1, -1e999]}', "$.a[1]"), ('{"a": {"b": 1e400}}', "$.a.b")],
)
def test_numbers_too_large_for_a_float_are_found(text: str, where: str) -> None:
    with pytest.raises(EvidenceError) as raised:
        parse_json(text, "f.json")
    assert [p.json_path for p in raised.value.problems] == [where]


def test_a_large_document_within_the_limits_parses_to_itself() -> None:
    doc = {"rows": [{"id": f"r{i}", "v": i / 7, "ok": i % 2 == 0} for i in range(20_000)]}
    assert parse_json(json.dumps(doc), "f.json") == doc
