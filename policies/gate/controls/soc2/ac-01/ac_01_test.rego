package gate.controls.soc2["ac-01_test"]

import data.gate.controls.soc2["ac-01"] as control

_bundle := {
	"model": {"risk_tier": "high"},
	"inventory": {"developer_ids": ["dana-dev"]},
	"change": {"author_ids": ["lee-dev"]},
	"security": {
		"access": {"registry_writers": ["svc-release"], "deployers": ["svc-release"], "last_review_at": "2026-09-30T12:00:00Z"},
		"branch_protection": {"required_reviews": 2, "enforce_admins": true, "required_status_checks": ["unit-tests", "mrm-gate"]},
	},
}

_input(b) := {"bundle": b, "context": {"now": "2026-11-30T12:00:00Z"}}

test_success_least_privilege_reviewed if {
	control.deny == set() with input as _input(_bundle)
}

test_fail_nothing_recorded if {
	ds := control.deny with input as _input({"model": {"risk_tier": "high"}})
	{v.evidence_path | some v in ds} == {
		"$.security.access.registry_writers", "$.security.access.deployers", "$.security.access.last_review_at",
		"$.security.branch_protection.required_reviews", "$.security.branch_protection.enforce_admins",
		"$.security.branch_protection.required_status_checks",
	}
}

test_fail_developer_deploys_and_stale_review if {
	b := object.union(_bundle, {"security": {"access": {"deployers": ["svc-release", "lee-dev", "dana-dev"], "last_review_at": "2026-06-01T00:00:00Z"}}})
	ds := control.deny with input as _input(b)
	{v.msg | some v in ds} == {
		"lee-dev can deploy but develops the model or wrote the change",
		"dana-dev can deploy but develops the model or wrote the change",
		"no access review in the last 90 days",
	}
}

test_success_low_tier_allows_a_yearly_review if {
	b := object.union(_bundle, {"model": {"risk_tier": "low"}, "security": {"access": {"last_review_at": "2026-06-01T00:00:00Z"}}})
	control.deny == set() with input as _input(b)
}

test_success_metadata if {
	control.control.id == "SOC2-AC-01"
}
