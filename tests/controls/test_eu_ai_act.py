"""EU AI Act controls end to end: the complete bundles through the real OPA.

The Annex III high-risk obligations apply from 2 Dec 2027 (Reg. (EU) 2026/1744), so
the complete credit bundle is checked both at the suite's NOW, when only the
classification control is in force, and at IN_FORCE, when all nineteen controls are.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from conftest import NOW, decide, load_asset
from gate.decision import Decision
from gate.engine.local import LocalOpaEngine
from gate.engine.toolchain import OpaBinary
from gate.policy import PolicySource

IN_FORCE = "2027-12-15T00:00:00Z"
STAGES = ("merge", "staging", "production", "monitoring")
PREFIX = "EUAIA-"
ALL_IDS = {
    f"{PREFIX}{tail}"
    for tail in (
        "CLS-01 RMS-01 RMS-02 DATA-01 DATA-02 DATA-03 DOC-01 DOC-02 LOG-01 IFU-01 "
        "HO-01 ACC-01 SEC-01 QMS-01 SUB-01 CA-01 PMM-01 INC-01 FRIA-01"
    ).split()
}


@pytest.fixture(scope="module")
def engine(opa: OpaBinary, policies: PolicySource) -> LocalOpaEngine:
    return LocalOpaEngine(opa, policies)


def _decide(engine: LocalOpaEngine, bundle: dict[str, Any], stage: str, now: str) -> Decision:
    return decide(engine.opa, engine.policies, bundle, stage, now=now)


def _eu_rows(decision: Decision) -> dict[str, dict[str, Any]]:
    return {row["id"]: row for row in decision.controls if row["id"].startswith(PREFIX)}


def _failing(decision: Decision) -> set[str]:
    return {row["id"] for row in decision.controls if row["status"] == "fail"}


def _credit() -> dict[str, Any]:
    return copy.deepcopy(load_asset("bundles", "credit-complete.json"))


def _drop(bundle: dict[str, Any], *path: str) -> dict[str, Any]:
    node = bundle
    for key in path[:-1]:
        node = node[key]
    del node[path[-1]]
    return bundle


@pytest.mark.parametrize("now", [NOW, IN_FORCE])
@pytest.mark.parametrize("stage", STAGES)
@pytest.mark.parametrize("name", ["credit-complete.json", "clinical-complete.json"])
def test_complete_bundles_pass_every_applicable_eu_control(
    engine: LocalOpaEngine, name: str, stage: str, now: str
) -> None:
    decision = _decide(engine, load_asset("bundles", name), stage, now)
    rows = _eu_rows(decision)
    assert set(rows) == ALL_IDS
    assert {i for i, row in rows.items() if row["status"] == "fail"} == set()
    assert [v for v in decision.violations if v["control_id"].startswith(PREFIX)] == []


def test_annex_iii_obligations_wait_for_december_2027(engine: LocalOpaEngine) -> None:
    before = _eu_rows(_decide(engine, _credit(), "production", NOW))
    assert before["EUAIA-CLS-01"]["status"] == "pass"
    for control_id in ALL_IDS - {"EUAIA-CLS-01"}:
        assert before[control_id]["status"] == "not_applicable"
        assert before[control_id]["reason"] == "not yet in force: effective from 2027-12-02"

    after = _eu_rows(_decide(engine, _credit(), "production", IN_FORCE))
    assert {i: row["status"] for i, row in after.items()} == dict.fromkeys(ALL_IDS, "pass")


def test_eu_human_gates_at_production(engine: LocalOpaEngine) -> None:
    decision = _decide(engine, _credit(), "production", IN_FORCE)
    roles = {r["role"]: r for r in decision.required_approvals}
    assert roles["legal"]["controls"] == ["EUAIA-CLS-01"]
    assert roles["dpo"]["controls"] == ["EUAIA-DATA-03"]
    assert roles["deployer_compliance"]["controls"] == ["EUAIA-FRIA-01"]
    assert not roles["deployer_compliance"]["satisfied"]
    assert decision.allow is False


def test_annex_i_system_waits_for_august_2028(engine: LocalOpaEngine) -> None:
    bundle = _credit()
    bundle["eu_ai_act"]["classification"]["annex_iii_point"] = "none"
    rows = _eu_rows(_decide(engine, bundle, "staging", IN_FORCE))
    assert rows["EUAIA-RMS-01"]["status"] == "not_applicable"
    assert rows["EUAIA-RMS-01"]["reason"].endswith("apply from 2028-08-02")
    later = _eu_rows(_decide(engine, bundle, "staging", "2028-08-15T00:00:00Z"))
    assert later["EUAIA-RMS-01"]["status"] == "pass"


def test_fraud_model_claims_the_exclusion(engine: LocalOpaEngine) -> None:
    bundle = _credit()
    bundle["model"]["use_case"] = "fraud"
    bundle["eu_ai_act"]["classification"].update(
        annex_iii_point="none",
        high_risk=False,
        fraud_exception_claimed=True,
        fraud_exception_rationale="Scores transactions for fraud only; no credit decision.",
    )
    rows = _eu_rows(_decide(engine, bundle, "production", IN_FORCE))
    assert rows["EUAIA-CLS-01"]["status"] == "pass"
    assert {row["status"] for i, row in rows.items() if i != "EUAIA-CLS-01"} == {"not_applicable"}

    del bundle["eu_ai_act"]["classification"]["fraud_exception_rationale"]
    rows = _eu_rows(_decide(engine, bundle, "production", IN_FORCE))
    assert rows["EUAIA-CLS-01"]["status"] == "fail"


# (bundle path removed, the controls that read it). At IN_FORCE some controls of other
# frameworks already fail on the unchanged bundle (dates have moved on), so the mutation
# is judged by the controls it newly fails, across every framework.
MUTATIONS = [
    (("eu_ai_act", "classification", "rationale"), {"EUAIA-CLS-01"}),
    (("eu_ai_act", "ifu", "declared_accuracy"), {"EUAIA-IFU-01", "EUAIA-ACC-01"}),
    (("eu_ai_act", "annex_iv", "section_9"), {"EUAIA-DOC-01", "EUAIA-PMM-01"}),
    (("eu_ai_act", "conformity"), {"EUAIA-CA-01"}),
    (("eu_ai_act", "fria"), {"EUAIA-FRIA-01"}),
    (("data", "governance", "special_category_processing", "ropa_ref"), {"EUAIA-DATA-03"}),
]


@pytest.fixture(scope="module")
def baseline_failures(engine: LocalOpaEngine) -> set[str]:
    return _failing(_decide(engine, _credit(), "production", IN_FORCE))


@pytest.mark.parametrize(("path", "expected"), MUTATIONS)
def test_removing_evidence_fails_exactly_the_controls_that_read_it(
    engine: LocalOpaEngine,
    baseline_failures: set[str],
    path: tuple[str, ...],
    expected: set[str],
) -> None:
    assert not baseline_failures & ALL_IDS
    decision = _decide(engine, _drop(_credit(), *path), "production", IN_FORCE)
    assert _failing(decision) - baseline_failures == expected
