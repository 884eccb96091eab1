package gate.controls.sr117["exc-01_test"]

import data.gate.controls.sr117["exc-01"] as control
import data.gate.controls.sr117.fixtures_test as fx

test_success_exception_complete if {
	not control.not_applicable_reason with input as fx.input_at("production", fx.bundle)
	control.deny == set() with input as fx.input_at("production", fx.bundle)
	control.required_approvals == {{
		"control_id": "SR117-EXC-01",
		"role": "executive",
		"count": 1,
		"reason": "senior management approves the policy exceptions in force",
	}} with input as fx.input_at("production", fx.bundle)
}

test_success_not_applicable_without_exceptions if {
	control.not_applicable_reason == "no policy exception covers production" with input as fx.input_at("production", fx.patched({"exceptions": []}))
	control.not_applicable_reason == "no policy exception covers production" with input as fx.input_at("production", fx.patched({"exceptions": [{"id": "E", "reason": "r", "expires_at": "2027-01-01T00:00:00Z", "stages": ["monitoring"]}]}))
}

test_fail_incomplete_exception_without_stages if {
	b := fx.patched({"exceptions": [{"id": "E-1", "reason": "validation pending", "expires_at": "2027-01-01T00:00:00Z"}]})
	fx.paths(control.deny) == {
		"$.exceptions[0].policy_ref",
		"$.exceptions[0].approved_by",
		"$.exceptions[0].compensating_controls",
		"$.exceptions[0].usage_limits",
	} with input as fx.input_at("production", b)
}

test_fail_expired_exception if {
	b := json.patch(fx.bundle, [{"op": "replace", "path": "/exceptions/0/expires_at", "value": "2026-11-29T00:00:00Z"}])
	{v.msg | some v in control.deny} == {"exception EXC-2026-014 expired at 2026-11-29T00:00:00Z"} with input as fx.input_at("production", b)
}

test_success_metadata_names_both_guidances if {
	control.control.id == "SR117-EXC-01"
	contains(control.control.section, "SR 11-7")
	contains(control.control.section, "SR 26-2")
}
