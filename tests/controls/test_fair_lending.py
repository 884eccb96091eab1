"""Fair-lending (FL-*) and monitoring (MON-*) controls, end to end through the real OPA."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from conftest import decide, load_asset
from gate.engine.toolchain import OpaBinary
from gate.policy import PolicySource

PREFIXES = ("FL-", "MON-")


def _decide(opa: OpaBinary, policies: PolicySource, bundle: dict[str, Any], stage: str) -> Any:
    return decide(opa, policies, bundle, stage).to_dict()


def _status(decision: Any) -> dict[str, str]:
    return {c["id"]: c["status"] for c in decision["controls"] if c["id"].startswith(PREFIXES)}


def _failing(decision: Any) -> set[str]:
    return {cid for cid, status in _status(decision).items() if status == "fail"}


@pytest.mark.parametrize("stage", ["merge", "staging", "production", "monitoring"])
def test_credit_bundle_is_clean(opa: OpaBinary, policies: PolicySource, stage: str) -> None:
    decision = _decide(opa, policies, load_asset("bundles", "credit-complete.json"), stage)
    assert _failing(decision) == set()
    assert not [w for w in decision["warnings"] if w["control_id"].startswith(PREFIXES)]


@pytest.mark.parametrize("stage", ["merge", "staging", "production"])
def test_clinical_bundle_is_clean_and_fair_lending_does_not_apply(
    opa: OpaBinary, policies: PolicySource, stage: str
) -> None:
    decision = _decide(opa, policies, load_asset("bundles", "clinical-complete.json"), stage)
    status = _status(decision)
    assert _failing(decision) == set()
    assert {cid for cid in status if cid.startswith("FL-")} <= {
        cid for cid, s in status.items() if s == "not_applicable"
    }


def test_production_requires_a_fair_lending_review(opa: OpaBinary, policies: PolicySource) -> None:
    decision = _decide(opa, policies, load_asset("bundles", "credit-complete.json"), "production")
    roles = {r["role"]: r for r in decision["required_approvals"]}
    assert "FL-DI-01" in roles["fair_lending"]["controls"]
    assert roles["fair_lending"]["satisfied"] is False


def _drop(bundle: dict[str, Any], *path: str) -> None:
    node = bundle
    for key in path[:-1]:
        node = node[key]
    del node[path[-1]]


@pytest.mark.parametrize(
    ("stage", "path", "expected"),
    [
        ("staging", ("fairness", "proxy_method"), {"FL-DI-01"}),
        ("merge", ("fairness", "prohibited_features_in_model"), {"FL-PB-01"}),
        ("staging", ("adverse_action", "fidelity"), {"FL-AAN-02"}),
        ("production", ("ops", "retention"), {"FL-AAN-03"}),
        ("monitoring", ("fairness", "air_baseline"), {"MON-FAIR-01"}),
        ("monitoring", ("monitoring", "latest", "csi"), {"MON-PSI-01"}),
    ],
)
def test_removing_evidence_fails_exactly_the_controls_that_read_it(
    opa: OpaBinary,
    policies: PolicySource,
    stage: str,
    path: tuple[str, ...],
    expected: set[str],
) -> None:
    bundle = copy.deepcopy(load_asset("bundles", "credit-complete.json"))
    _drop(bundle, *path)
    assert _failing(_decide(opa, policies, bundle, stage)) == expected


def test_air_breach_blocks_until_reviewed(opa: OpaBinary, policies: PolicySource) -> None:
    bundle = copy.deepcopy(load_asset("bundles", "credit-complete.json"))
    bundle["fairness"]["air"]["race:black"] = 0.74
    bundle["fairness"]["min_air"] = 0.74
    del bundle["fairness"]["proxy_review_uri"]
    decision = _decide(opa, policies, bundle, "staging")
    assert _failing(decision) == {"FL-DI-01"}
    paths = {v["evidence_path"] for v in decision["violations"] if v["control_id"] == "FL-DI-01"}
    assert paths == {"$.fairness.proxy_review_uri"}
    assert "fair_lending" in {r["role"] for r in decision["required_approvals"]}


def _score_shift(bundle: dict[str, Any], psi: float, actual: list[float]) -> None:
    latest = bundle["monitoring"]["latest"]
    latest["psi_score"] = psi
    latest["bins"]["score"] = {"edges": [0.0, 0.5, 1.0], "expected": [0.5, 0.5], "actual": actual}


def test_amber_psi_warns_and_red_psi_blocks(opa: OpaBinary, policies: PolicySource) -> None:
    bundle = copy.deepcopy(load_asset("bundles", "credit-complete.json"))
    # Two-bin score distributions whose PSI is the headline, solved by hand: a 0.5/0.5
    # baseline against 0.293/0.707 gives 0.1823, against 0.236/0.764 gives 0.3101.
    _score_shift(bundle, 0.18, [0.293, 0.707])
    decision = _decide(opa, policies, bundle, "monitoring")
    assert _failing(decision) == set()
    assert {w["control_id"] for w in decision["warnings"]} >= {"MON-PSI-01"}
    _score_shift(bundle, 0.31, [0.236, 0.764])
    assert _failing(_decide(opa, policies, bundle, "monitoring")) == {"MON-PSI-01"}
