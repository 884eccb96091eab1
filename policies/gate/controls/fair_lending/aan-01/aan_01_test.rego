package gate.controls.fair_lending["aan-01_test"]

import data.gate.controls.fair_lending["aan-01"] as control

_aa := {
	"applicable": true,
	"method": "points_below_max",
	"reason_code_catalog_uri": "docs/reasons.csv",
	"max_reasons_disclosed": 4,
	"coverage_rate": 1.0,
	"banned_generic_codes_present": false,
}

_input(aa) := {"bundle": {"model": {"use_case": "credit"}, "adverse_action": aa}}

_paths(set) := {v.evidence_path | some v in set}

test_success_complete_reasons if {
	control.deny == set() with input as _input(_aa)
}

test_fail_missing_everything if {
	ds := control.deny with input as {"bundle": {"model": {"use_case": "credit"}}}
	_paths(ds) == {
		"$.adverse_action.applicable", "$.adverse_action.method", "$.adverse_action.reason_code_catalog_uri",
		"$.adverse_action.max_reasons_disclosed", "$.adverse_action.coverage_rate",
		"$.adverse_action.banned_generic_codes_present",
	}
}

test_fail_too_many_reasons_partial_coverage_generic_codes if {
	aa := object.union(_aa, {"max_reasons_disclosed": 6, "coverage_rate": 0.98, "banned_generic_codes_present": true})
	ds := control.deny with input as _input(aa)
	{v.msg | some v in ds} == {
		"up to 6 reasons are disclosed; disclose between 1 and 4",
		"reason codes cover 0.98 of adverse decisions; 1 is required",
		"generic reason codes (such as internal standards or failed score) are present or were not screened for",
	}
}

test_fail_zero_reasons if {
	ds := control.deny with input as _input(object.union(_aa, {"max_reasons_disclosed": 0}))
	_paths(ds) == {"$.adverse_action.max_reasons_disclosed"}
}

test_success_not_applicable_without_adverse_decisions if {
	control.not_applicable_reason == "the model makes no adverse credit decisions (adverse_action.applicable is false)" with input as _input({"applicable": false})
}

test_success_not_applicable_outside_credit if {
	control.not_applicable_reason == "adverse-action notices apply to credit models, not clinical" with input as {"bundle": {"model": {"use_case": "clinical"}}}
}

test_success_applicable_to_credit_with_adverse_decisions if {
	not control.not_applicable_reason with input as _input(_aa)
}

test_success_metadata if {
	control.control.id == "FL-AAN-01"
}
