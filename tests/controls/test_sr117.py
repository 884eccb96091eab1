"""SR 11-7 / SR 26-2 controls end to end through the real OPA binary.

The complete example bundles pass every applicable SR control; removing one piece of
evidence fails exactly the controls that read it; and the guidance setting
(``sr117.guidance``: "SR 26-2" by default, or "SR 11-7") changes the review cadence.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from conftest import decide, failing, load_asset
from gate.decision import Decision
from gate.engine.toolchain import OpaBinary
from gate.policy import PolicySource

SR117_IDS = {
    "SR117-INV-01",
    "SR117-TIER-01",
    "SR117-DEV-01",
    "SR117-DEV-02",
    "SR117-DEV-03",
    "SR117-DEV-04",
    "SR117-IMP-01",
    "SR117-VAL-01",
    "SR117-VAL-02",
    "SR117-VAL-03",
    "SR117-VAL-04",
    "SR117-VAL-05",
    "SR117-VAL-06",
    "SR117-VAL-07",
    "SR117-VAL-08",
    "SR117-MON-01",
    "SR117-MON-02",
    "SR117-LIM-01",
    "SR117-VEN-01",
    "SR117-GOV-01",
    "SR117-EXC-01",
}


def _decide(opa: OpaBinary, policies: PolicySource, bundle: dict[str, Any], stage: str) -> Decision:
    return decide(opa, policies, bundle, stage)


_failing = failing


def _drop(bundle: dict[str, Any], *path: str | int) -> dict[str, Any]:
    out = copy.deepcopy(bundle)
    node: Any = out
    for key in path[:-1]:
        node = node[key]
    del node[path[-1]]
    return out


@pytest.mark.parametrize("name", ["credit-complete.json", "clinical-complete.json"])
@pytest.mark.parametrize("stage", ["merge", "staging", "production"])
def test_complete_bundles_pass_every_sr_control(
    opa: OpaBinary, policies: PolicySource, name: str, stage: str
) -> None:
    decision = _decide(opa, policies, load_asset("bundles", name), stage)
    rows = {c["id"]: c for c in decision.controls if c["id"].startswith("SR117-")}
    assert set(rows) == SR117_IDS
    assert {i for i, c in rows.items() if c["status"] == "fail"} == set()
    assert [v for v in decision.violations if v["control_id"].startswith("SR117-")] == []


def test_production_needs_the_sr_approvals(opa: OpaBinary, policies: PolicySource) -> None:
    decision = _decide(opa, policies, load_asset("bundles", "credit-complete.json"), "production")
    needed = {
        (r["role"], r["count"], c)
        for r in decision.required_approvals
        for c in r["controls"]
        if c.startswith("SR117-")
    }
    assert needed == {
        ("validator", 1, "SR117-VAL-01"),
        ("model_risk_committee", 1, "SR117-GOV-01"),
        ("mrm", 1, "SR117-TIER-01"),
        ("mrm", 1, "SR117-LIM-01"),
        ("executive", 1, "SR117-EXC-01"),
    }


def test_vendor_and_exception_controls_not_applicable_for_clinical(
    opa: OpaBinary, policies: PolicySource
) -> None:
    decision = _decide(opa, policies, load_asset("bundles", "clinical-complete.json"), "production")
    reasons = {c["id"]: c["reason"] for c in decision.controls if c["status"] == "not_applicable"}
    assert reasons["SR117-VEN-01"] == "not a vendor model (model.is_vendor is not true)"
    assert reasons["SR117-EXC-01"] == "no policy exception covers production"


@pytest.mark.parametrize(
    ("stage", "path", "expected"),
    [
        ("merge", ("model", "tiering"), {"SR117-TIER-01"}),
        ("merge", ("limitations", "overlays", 0, "approved_by"), {"SR117-LIM-01"}),
        ("staging", ("testing", "sensitivity"), {"SR117-DEV-04"}),
        ("production", ("validation", "effective_challenge_log_uri"), {"SR117-GOV-01"}),
        ("production", ("inventory", "last_periodic_review_date"), {"SR117-VAL-08"}),
        (
            "production",
            ("validation", "independence_attestation"),
            {"SR117-VAL-02"},
        ),
    ],
)
def test_removing_evidence_fails_exactly_its_readers(
    opa: OpaBinary,
    policies: PolicySource,
    stage: str,
    path: tuple[str | int, ...],
    expected: set[str],
) -> None:
    bundle = load_asset("bundles", "credit-complete.json")
    assert _failing(_decide(opa, policies, bundle, stage)) == set()
    assert _failing(_decide(opa, policies, _drop(bundle, *path), stage)) == expected


def _guidance_source(policies: PolicySource, tmp_path: Path, guidance: str) -> PolicySource:
    # The bank's own cadence: high-tier periodic review every 18 months.
    override = {
        "gate": {
            "overrides": {
                "sr117": {
                    "guidance": guidance,
                    "tiers": {"high": {"periodic_review_months": 18}},
                }
            }
        }
    }
    path = tmp_path / f"override-{guidance.replace(' ', '')}.json"
    path.write_text(json.dumps(override), "utf-8")
    return PolicySource(policies.path, (path,))


@pytest.mark.parametrize(
    ("guidance", "expected"), [("SR 26-2", set()), ("SR 11-7", {"SR117-VAL-08"})]
)
def test_guidance_setting_changes_the_review_cadence(
    opa: OpaBinary, policies: PolicySource, tmp_path: Path, guidance: str, expected: set[str]
) -> None:
    bundle = load_asset("bundles", "credit-complete.json")
    bundle["inventory"]["last_periodic_review_date"] = "2025-07-30"
    source = _guidance_source(policies, tmp_path, guidance)
    decision = _decide(opa, source, bundle, "production")
    assert _failing(decision) == expected
    if expected:
        (violation,) = [v for v in decision.violations if v["control_id"] == "SR117-VAL-08"]
        assert violation["evidence_path"] == "$.inventory.last_periodic_review_date"
        assert "SR 11-7" in violation["msg"]


def test_a_coin_flip_model_is_denied_at_merge_even_with_its_own_lowered_thresholds(
    opa: OpaBinary, policies: PolicySource
) -> None:
    bundle = load_asset("bundles", "credit-complete.json")
    testing = bundle["testing"]
    testing["results"].update({"auc": 0.5, "gini": 0.0})
    testing["thresholds"]["auc"]["min"] = 0.45
    testing["thresholds"]["gini"]["min"] = -0.1
    decision = _decide(opa, policies, bundle, "merge")
    assert not decision.allow
    assert "SR117-DEV-03" in _failing(decision)
    paths = {v["evidence_path"] for v in decision.violations if v["control_id"] == "SR117-DEV-03"}
    assert paths == {
        "$.testing.thresholds.auc.min",
        "$.testing.thresholds.gini.min",
        "$.testing.results.auc",
        "$.testing.results.gini",
    }


def test_a_rejected_validation_cannot_be_waived(opa: OpaBinary, policies: PolicySource) -> None:
    bundle = load_asset("bundles", "credit-complete.json")
    bundle["validation"]["outcome"] = "rejected"
    bundle["waivers"] = [
        {
            "control_id": "SR117-VAL-01",
            "justification": "business need",
            "expires_at": "2027-06-30T00:00:00Z",
        }
    ]
    decision = _decide(opa, policies, bundle, "production")
    assert "SR117-VAL-01" in _failing(decision)
    # No waiver approval is even asked for, and the refusal is reported.
    assert "waiver:SR117-VAL-01" not in {r["role"] for r in decision.required_approvals}
    refused = [w for w in decision.warnings if w["control_id"] == "SR117-VAL-01"]
    assert [w["evidence_path"] for w in refused] == ["$.waivers[0]"]


def test_validation_completed_before_the_artefact_was_signed_is_denied(
    opa: OpaBinary, policies: PolicySource
) -> None:
    bundle = load_asset("bundles", "credit-complete.json")
    # signed 2026-07-21 in the asset; this validation finished half a year earlier
    bundle["validation"]["completed_at"] = "2026-01-15T10:00:00Z"
    decision = _decide(opa, policies, bundle, "production")
    assert "SR117-VAL-01" in _failing(decision)
    msgs = [v["msg"] for v in decision.violations if v["control_id"] == "SR117-VAL-01"]
    assert any("before the artefact was signed" in m for m in msgs)
