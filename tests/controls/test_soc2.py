"""SOC 2 change-management controls (SOC2-*), end to end through the real OPA."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from conftest import NOW, decide, load_asset
from gate.engine.toolchain import OpaBinary
from gate.evidence import bundle_digest
from gate.policy import PolicySource


def _decide(
    opa: OpaBinary,
    policies: PolicySource,
    bundle: dict[str, Any],
    stage: str,
    **extra: Any,
) -> Any:
    return decide(opa, policies, bundle, stage, **extra).to_dict()


def _failing(decision: Any) -> set[str]:
    controls = decision["controls"]
    return {c["id"] for c in controls if c["id"].startswith("SOC2-") and c["status"] == "fail"}


@pytest.mark.parametrize("name", ["credit-complete.json", "clinical-complete.json"])
@pytest.mark.parametrize("stage", ["merge", "staging", "production", "monitoring"])
def test_complete_bundles_are_clean(
    opa: OpaBinary, policies: PolicySource, name: str, stage: str
) -> None:
    assert _failing(_decide(opa, policies, load_asset("bundles", name), stage)) == set()


@pytest.mark.parametrize(
    ("stage", "path", "expected"),
    [
        ("merge", ("change", "ticket_id"), {"SOC2-CM-01"}),
        ("merge", ("change", "rollback_plan_uri"), {"SOC2-CM-02"}),
        ("merge", ("change", "required_checks"), {"SOC2-CM-03"}),
        ("production", ("change", "deploy_via_pipeline"), {"SOC2-CM-05"}),
        ("staging", ("ops", "baseline_config"), {"SOC2-CM-06"}),
        ("merge", ("security", "pii_scan"), {"SOC2-CM-08"}),
        ("staging", ("ops", "alerting"), {"SOC2-OPS-01"}),
        ("merge", ("security", "access"), {"SOC2-AC-01"}),
        ("merge", ("security", "branch_protection"), {"SOC2-CM-04", "SOC2-AC-01"}),
    ],
)
def test_removing_evidence_fails_exactly_the_controls_that_read_it(
    opa: OpaBinary,
    policies: PolicySource,
    stage: str,
    path: tuple[str, str],
    expected: set[str],
) -> None:
    bundle = copy.deepcopy(load_asset("bundles", "credit-complete.json"))
    del bundle[path[0]][path[1]]
    assert _failing(_decide(opa, policies, bundle, stage)) == expected


def _pull_request(head: str) -> dict[str, Any]:
    return {
        "number": 212,
        "author": "dana-dev",
        "head_sha": head,
        "base_ref": "main",
        "commits": [{"sha": head, "author": "dana-dev", "committer": "dana-dev"}],
        "unmapped_commits": [],
    }


def test_pull_request_needs_independent_current_approvals(
    opa: OpaBinary, policies: PolicySource
) -> None:
    bundle = load_asset("bundles", "credit-complete.json")
    head = bundle["change"]["commit_sha"]
    digest = bundle_digest(bundle)

    def approval(login: str, commit: str) -> dict[str, Any]:
        return {
            "role": "validator",
            "login": login,
            "via": "review",
            "url": "",
            "at": NOW,
            "commit_sha": commit,
            "bundle_digest": digest,
            "team": "acme-bank/model-validation",
            "verified": True,
        }

    pr = _pull_request(head)
    stale = [approval("vera-validator", head), approval("victor-validator", "0" * 40)]
    decision = _decide(opa, policies, bundle, "merge", pull_request=pr, approvals=stale)
    assert _failing(decision) == {"SOC2-CM-04"}

    fresh = [approval("vera-validator", head), approval("victor-validator", head)]
    decision = _decide(opa, policies, bundle, "merge", pull_request=pr, approvals=fresh)
    assert _failing(decision) == set()


def test_emergency_change_needs_retro_approval(opa: OpaBinary, policies: PolicySource) -> None:
    bundle = copy.deepcopy(load_asset("bundles", "credit-complete.json"))
    bundle["change"]["type"] = "emergency"
    decision = _decide(opa, policies, bundle, "production")
    assert _failing(decision) == {"SOC2-CM-07"}
    assert "SOC2-CM-07" in {c for r in decision["required_approvals"] for c in r["controls"]}
