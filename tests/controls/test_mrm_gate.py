"""The gate's own controls end to end: a missing section can never switch a regime off,
and reproducibility and provenance are checked, through the real OPA binary."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from conftest import decide, failing, load_asset
from gate.engine.toolchain import OpaBinary
from gate.policy import PolicySource

GATE_IDS = {"GATE-APPL-01", "GATE-REP-01", "GATE-PROV-01", "GATE-WF-01"}


def _without(bundle: dict[str, Any], *path: str) -> dict[str, Any]:
    out = copy.deepcopy(bundle)
    node = out
    for key in path[:-1]:
        node = node[key]
    del node[path[-1]]
    return out


@pytest.mark.parametrize("name", ["credit-complete.json", "clinical-complete.json"])
@pytest.mark.parametrize("stage", ["merge", "staging", "production"])
def test_complete_bundles_pass_gate_controls(
    opa: OpaBinary, policies: PolicySource, name: str, stage: str
) -> None:
    decision = decide(opa, policies, load_asset("bundles", name), stage)
    rows = {c["id"]: c["status"] for c in decision.controls if c["id"] in GATE_IDS}
    assert rows == dict.fromkeys(GATE_IDS, "pass")


@pytest.mark.parametrize(
    ("name", "path", "expected"),
    [
        # Removing a whole regime's section used to make its controls not applicable.
        ("credit-complete.json", ("eu_ai_act",), {"GATE-APPL-01"}),
        ("clinical-complete.json", ("fda",), {"GATE-APPL-01"}),
        ("credit-complete.json", ("reproducibility",), {"GATE-REP-01"}),
        ("credit-complete.json", ("provenance",), {"GATE-PROV-01"}),
        ("clinical-complete.json", ("collected",), {"GATE-PROV-01"}),
        (
            "credit-complete.json",
            ("security", "branch_protection", "required_workflows"),
            {"GATE-WF-01"},
        ),
        ("credit-complete.json", ("validation", "findings"), {"SR117-VAL-06"}),
    ],
)
def test_removing_evidence_fails_exactly_the_reading_controls(
    opa: OpaBinary, policies: PolicySource, name: str, path: tuple[str, ...], expected: set[str]
) -> None:
    bundle = load_asset("bundles", name)
    before = failing(decide(opa, policies, bundle, "production"))
    after = failing(decide(opa, policies, _without(bundle, *path), "production"))
    assert after - before == expected


def test_reproduction_that_differs_fails(opa: OpaBinary, policies: PolicySource) -> None:
    bundle = load_asset("bundles", "credit-complete.json")
    rep = bundle["reproducibility"]
    rep["reproduced_artifact_sha256"] = "0" * 64
    assert "GATE-REP-01" in failing(decide(opa, policies, bundle, "merge"))


def test_evidence_from_an_earlier_push_fails(opa: OpaBinary, policies: PolicySource) -> None:
    bundle = load_asset("bundles", "credit-complete.json")
    head = bundle["collected"]["git"]["commit"]
    pr = {"number": 7, "author": "dana-dev", "head_sha": head, "base_ref": "main", "commits": []}
    assert "GATE-PROV-01" not in failing(decide(opa, policies, bundle, "merge", pull_request=pr))
    moved = dict(pr, head_sha="f" * 40)
    assert "GATE-PROV-01" in failing(decide(opa, policies, bundle, "merge", pull_request=moved))
