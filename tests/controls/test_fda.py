"""FDA GMLP / PCCP controls (FDA-*), end to end through the real OPA."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from conftest import decide, load_asset
from gate.engine.toolchain import OpaBinary
from gate.policy import PolicySource


def _decide(opa: OpaBinary, policies: PolicySource, bundle: dict[str, Any], stage: str) -> Any:
    return decide(opa, policies, bundle, stage).to_dict()


def _status(decision: Any) -> dict[str, str]:
    return {c["id"]: c["status"] for c in decision["controls"] if c["id"].startswith("FDA-")}


def _failing(decision: Any) -> set[str]:
    return {cid for cid, status in _status(decision).items() if status == "fail"}


@pytest.mark.parametrize("stage", ["merge", "staging", "production"])
def test_clinical_bundle_is_clean(opa: OpaBinary, policies: PolicySource, stage: str) -> None:
    decision = _decide(opa, policies, load_asset("bundles", "clinical-complete.json"), stage)
    assert _failing(decision) == set()


def test_fda_controls_do_not_apply_to_credit(opa: OpaBinary, policies: PolicySource) -> None:
    decision = _decide(opa, policies, load_asset("bundles", "credit-complete.json"), "production")
    assert set(_status(decision).values()) == {"not_applicable"}


def test_clinical_lead_signs_at_staging(opa: OpaBinary, policies: PolicySource) -> None:
    decision = _decide(opa, policies, load_asset("bundles", "clinical-complete.json"), "staging")
    roles = {r["role"]: r for r in decision["required_approvals"]}
    assert roles["clinical_lead"]["controls"] == ["FDA-GMLP-01"]


@pytest.mark.parametrize(
    ("stage", "path", "expected"),
    [
        ("staging", ("fda", "review_panel"), {"FDA-GMLP-01"}),
        ("merge", ("fda", "risk_file_uri"), {"FDA-GMLP-02"}),
    ],
)
def test_removing_evidence_fails_exactly_the_controls_that_read_it(
    opa: OpaBinary,
    policies: PolicySource,
    stage: str,
    path: tuple[str, str],
    expected: set[str],
) -> None:
    bundle = copy.deepcopy(load_asset("bundles", "clinical-complete.json"))
    del bundle[path[0]][path[1]]
    assert _failing(_decide(opa, policies, bundle, stage)) == expected
