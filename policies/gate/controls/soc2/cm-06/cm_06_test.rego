package gate.controls.soc2["cm-06_test"]

import data.gate.controls.soc2["cm-06"] as control

_bundle := {
	"ops": {"baseline_config": {"iac_commit": "019a06db3f18db3de95e85bb90adde6623323115", "drift_detected": false, "checked_at": "2026-11-28T04:00:00Z"}},
	"model": {"decision_thresholds": {"value": 0.085, "commit_sha": "7276bd91f3371d7200e0808e5a255393f8820b03"}},
}

_input(b) := {"bundle": b, "context": {"now": "2026-11-30T12:00:00Z"}}

test_success_versioned_without_drift if {
	control.deny == set() with input as _input(_bundle)
}

test_fail_nothing_recorded if {
	ds := control.deny with input as _input({})
	{v.evidence_path | some v in ds} == {
		"$.ops.baseline_config.iac_commit", "$.ops.baseline_config.drift_detected",
		"$.ops.baseline_config.checked_at", "$.model.decision_thresholds.value",
		"$.model.decision_thresholds.commit_sha",
	}
}

test_fail_drift_and_stale_check if {
	b := object.union(_bundle, {"ops": {"baseline_config": {"drift_detected": true, "checked_at": "2026-09-01T00:00:00Z"}}})
	ds := control.deny with input as _input(b)
	{v.msg | some v in ds} == {
		"configuration drift from the baseline was detected, or no drift check is recorded",
		"the last drift check is missing or older than 30 days",
	}
}

test_success_metadata if {
	control.control.id == "SOC2-CM-06"
}
