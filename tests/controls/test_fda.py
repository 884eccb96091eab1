"""FDA GMLP / PCCP controls (FDA-*), end to end through the real OPA."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from conftest import decide, failing, load_asset
from gate.engine.toolchain import OpaBinary
from gate.policy import PolicySource

ALL_FDA = {f"FDA-GMLP-0{n}" for n in range(1, 10)} | {f"FDA-PCCP-0{n}" for n in range(1, 5)}


def _clinical() -> dict[str, Any]:
    return copy.deepcopy(load_asset("bundles", "clinical-complete.json"))


def _status(decision: Any) -> dict[str, str]:
    return {c["id"]: c["status"] for c in decision.controls if c["id"].startswith("FDA-")}


def _set(bundle: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    node = bundle
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value


def _delete(bundle: dict[str, Any], path: tuple[str, ...]) -> None:
    node = bundle
    for key in path[:-1]:
        node = node[key]
    del node[path[-1]]


def test_every_fda_control_is_in_the_catalogue(opa: OpaBinary, policies: PolicySource) -> None:
    decision = decide(opa, policies, _clinical(), "production")
    assert set(_status(decision)) == ALL_FDA


@pytest.mark.parametrize("stage", ["merge", "staging", "production", "monitoring"])
def test_clinical_bundle_passes_every_applicable_fda_control(
    opa: OpaBinary, policies: PolicySource, stage: str
) -> None:
    decision = decide(opa, policies, _clinical(), stage)
    statuses = _status(decision)
    assert set(statuses.values()) <= {"pass", "not_applicable"}
    assert "pass" in statuses.values()
    assert [v for v in decision.violations if v["control_id"].startswith("FDA-")] == []


def test_at_production_every_fda_control_but_monitoring_passes(
    opa: OpaBinary, policies: PolicySource
) -> None:
    statuses = _status(decide(opa, policies, _clinical(), "production"))
    assert {cid for cid, s in statuses.items() if s == "pass"} == ALL_FDA - {"FDA-GMLP-09"}
    assert statuses["FDA-GMLP-09"] == "not_applicable"


def test_monitoring_stage_runs_the_monitoring_control(
    opa: OpaBinary, policies: PolicySource
) -> None:
    statuses = _status(decide(opa, policies, _clinical(), "monitoring"))
    assert {cid for cid, s in statuses.items() if s == "pass"} == {"FDA-GMLP-09"}


def test_fda_controls_do_not_apply_to_credit(opa: OpaBinary, policies: PolicySource) -> None:
    decision = decide(opa, policies, load_asset("bundles", "credit-complete.json"), "production")
    assert set(_status(decision).values()) == {"not_applicable"}


def test_human_gates_at_staging(opa: OpaBinary, policies: PolicySource) -> None:
    decision = decide(opa, policies, _clinical(), "staging")
    roles = {r["role"]: r for r in decision.required_approvals}
    assert roles["clinical_lead"]["controls"] == ["FDA-GMLP-01", "FDA-GMLP-05", "FDA-GMLP-06"]
    assert roles["regulatory_affairs"]["controls"] == ["FDA-PCCP-03"]
    assert not roles["regulatory_affairs"]["satisfied"]
    assert not decision.allow


def test_pccp_controls_skip_a_change_that_leaves_the_model_alone(
    opa: OpaBinary, policies: PolicySource
) -> None:
    bundle = _clinical()
    del bundle["change"]["pccp"]
    bundle["change"]["type"] = "documentation"
    bundle["change"]["affected_components"] = ["code"]
    statuses = _status(decide(opa, policies, bundle, "production"))
    assert {cid for cid, s in statuses.items() if s == "not_applicable"} == {
        "FDA-GMLP-09",
        "FDA-PCCP-01",
        "FDA-PCCP-02",
        "FDA-PCCP-03",
        "FDA-PCCP-04",
    }


def test_change_outside_the_pccp_is_blocked(opa: OpaBinary, policies: PolicySource) -> None:
    bundle = _clinical()
    bundle["change"]["pccp"]["modification_id"] = "M7-new-indication"
    decision = decide(opa, policies, bundle, "merge")
    assert failing(decision) == {"FDA-PCCP-01"}
    [violation] = decision.violations
    assert violation["evidence_path"] == "$.change.pccp.modification_id"
    assert violation["severity"] == "critical"
    assert not decision.allow


# Each mutation removes or breaks one piece of FDA evidence; exactly the controls that
# read it fail, across every framework.
MUTATIONS: list[tuple[str, str, tuple[str, ...], Any, set[str]]] = [
    ("merge", "delete", ("fda", "intended_population_uri"), None, {"FDA-GMLP-03"}),
    ("merge", "set", ("data", "split", "leakage_checks", "entity_overlap"), 3, {"FDA-GMLP-04"}),
    ("merge", "delete", ("fda", "reference_standard", "inter_rater_kappa"), None, {"FDA-GMLP-05"}),
    ("staging", "delete", ("fda", "human_ai_study"), None, {"FDA-GMLP-06"}),
    ("staging", "delete", ("fda", "clinical_test", "ci"), None, {"FDA-GMLP-07"}),
    (
        "staging",
        "set",
        ("fda", "pccp", "protocol", "performance_eval", "results", "sensitivity"),
        0.9,
        {"FDA-PCCP-01", "FDA-PCCP-02"},
    ),
    ("staging", "delete", ("fda", "pccp", "impact_assessment"), None, {"FDA-PCCP-03"}),
    ("production", "delete", ("fda", "labeling", "sections", "update_info"), None, {"FDA-GMLP-08"}),
    ("production", "delete", ("change", "pccp"), None, {"FDA-PCCP-01", "FDA-PCCP-04"}),
    ("production", "set", ("fda", "device_version"), "2.2.1", {"FDA-PCCP-04"}),
    ("monitoring", "delete", ("fda", "retraining_triggers"), None, {"FDA-GMLP-09"}),
]


@pytest.mark.parametrize(("stage", "op", "path", "value", "expected"), MUTATIONS)
def test_breaking_evidence_fails_exactly_the_controls_that_read_it(
    opa: OpaBinary,
    policies: PolicySource,
    stage: str,
    op: str,
    path: tuple[str, ...],
    value: Any,
    expected: set[str],
) -> None:
    bundle = _clinical()
    if op == "delete":
        _delete(bundle, path)
    else:
        _set(bundle, path, value)
    assert failing(decide(opa, policies, bundle, stage)) == expected


@pytest.mark.parametrize(
    ("stage", "path", "expected"),
    [
        ("staging", ("fda", "review_panel"), {"FDA-GMLP-01"}),
        ("merge", ("fda", "risk_file_uri"), {"FDA-GMLP-02"}),
    ],
)
def test_removing_gmlp_01_02_evidence(
    opa: OpaBinary,
    policies: PolicySource,
    stage: str,
    path: tuple[str, ...],
    expected: set[str],
) -> None:
    bundle = _clinical()
    _delete(bundle, path)
    assert failing(decide(opa, policies, bundle, stage)) == expected


def test_fired_retraining_trigger_blocks_monitoring(opa: OpaBinary, policies: PolicySource) -> None:
    bundle = _clinical()
    bundle["monitoring"]["latest"]["metrics"]["sensitivity"] = 0.9
    decision = decide(opa, policies, bundle, "monitoring")
    fda = [v for v in decision.violations if v["control_id"] == "FDA-GMLP-09"]
    assert [v["evidence_path"] for v in fda] == ["$.fda.retraining_triggers[0]"]
    assert failing(decision) == {"FDA-GMLP-09"}
