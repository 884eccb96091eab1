"""gate.evidence.schema_problems: the compiled validator decides, the Python one explains.

Each case states by hand whether the document is valid and where its problems are; the
verdict of the compiled validator (jsonschema-rs) and of the Python jsonschema validator
with the gate's format checks must both match it.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

import gate.evidence as evidence
from gate.evidence import schema_problems

BUNDLES = Path(__file__).resolve().parent / "assets" / "bundles"
BUNDLE_SCHEMA = "evidence-bundle.schema.json"


def credit() -> dict[str, Any]:
    doc = json.loads((BUNDLES / "credit-complete.json").read_text("utf-8"))
    assert isinstance(doc, dict)
    return doc


def with_value(path: list[Any], value: Any) -> dict[str, Any]:
    doc = credit()
    node: Any = doc
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return doc


COMPLETED = ["validation", "completed_at"]
DUE = ["inventory", "next_validation_due"]

CASES: list[tuple[str, dict[str, Any], list[str]]] = [
    ("the credit example", credit(), []),
    ("lower-case t and z", with_value(COMPLETED, "2026-10-20t09:30:00z"), []),
    ("fractional seconds and offset", with_value(COMPLETED, "2026-10-20T09:30:00.5+02:00"), []),
    ("year 9999", with_value(COMPLETED, "9999-12-31T00:00:00Z"), ["$.validation.completed_at"]),
    ("year 1000", with_value(COMPLETED, "1000-01-01T00:00:00Z"), ["$.validation.completed_at"]),
    ("30 February", with_value(COMPLETED, "2026-02-30T00:00:00Z"), ["$.validation.completed_at"]),
    ("no zone", with_value(COMPLETED, "2026-10-20T09:30:00"), ["$.validation.completed_at"]),
    ("a placeholder", with_value(COMPLETED, "TBD"), ["$.validation.completed_at"]),
    ("a date, not a time", with_value(COMPLETED, "2026-10-20"), ["$.validation.completed_at"]),
    ("a real date", with_value(DUE, "2027-10-20"), []),
    ("month 13", with_value(DUE, "2027-13-40"), ["$.inventory.next_validation_due"]),
    ("date in year 2200", with_value(DUE, "2200-01-01"), ["$.inventory.next_validation_due"]),
    (
        "upper-case digest",
        with_value(["artifact", "digest"], "sha256:" + "A" * 64),
        ["$.artifact.digest"],
    ),
    ("unknown tier", with_value(["model", "risk_tier"], "tier-1"), ["$.model.risk_tier"]),
    ("approvals section", with_value(["approvals"], []), ["$"]),
    (
        "three problems",
        with_value(["model", "risk_tier"], 3) | {"extra": 1},
        ["$", "$.model.risk_tier", "$.model.risk_tier"],
    ),
]


@pytest.mark.parametrize(("doc", "paths"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_both_validators_give_the_stated_verdict(doc: dict[str, Any], paths: list[str]) -> None:
    assert evidence._compiled(BUNDLE_SCHEMA).is_valid(doc) is (paths == [])
    explained = evidence._explainer(BUNDLE_SCHEMA).iter_errors(doc)
    assert sorted(evidence.json_path(e.absolute_path) for e in explained) == paths
    assert sorted(p.json_path for p in schema_problems(doc, BUNDLE_SCHEMA, "b.json")) == paths


def test_problems_keep_the_python_validators_words() -> None:
    doc = with_value(["model", "risk_tier"], "tier-1")
    (problem,) = schema_problems(doc, BUNDLE_SCHEMA, "b.json")
    assert problem.file == "b.json"
    assert problem.message == "'tier-1' is not one of ['high', 'medium', 'low']"
    assert problem.fix == "use one of ['high', 'medium', 'low']"


def test_a_document_only_the_compiled_validator_refuses_is_still_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Were the explaining validator to find nothing, the refusal stands, located by the
    compiled validator."""
    monkeypatch.setattr(evidence, "_explainer", lambda name: Draft202012Validator({}))
    doc = with_value(COMPLETED, "9999-12-31T00:00:00Z")
    problems = schema_problems(doc, BUNDLE_SCHEMA, "b.json")
    assert [p.json_path for p in problems] == ["$.validation.completed_at"]


def test_a_large_bundle_is_judged_like_a_small_one() -> None:
    doc = credit()
    segment = doc["validation"]["metrics"]["segments"][0]
    doc["validation"]["metrics"]["segments"] = [
        copy.deepcopy(segment) | {"segment": f"s{i}"} for i in range(5_000)
    ]
    assert schema_problems(doc, BUNDLE_SCHEMA, "b.json") == []
    broken = copy.deepcopy(doc)
    broken["validation"]["metrics"]["segments"][4_321]["metrics"]["auc"] = "high"
    problems = schema_problems(broken, BUNDLE_SCHEMA, "b.json")
    assert [p.json_path for p in problems] == ["$.validation.metrics.segments[4321].metrics.auc"]
