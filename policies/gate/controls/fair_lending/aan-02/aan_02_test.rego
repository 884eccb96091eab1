package gate.controls.fair_lending["aan-02_test"]

import data.gate.controls.fair_lending["aan-02"] as control

_fidelity := {"agreement_rate": 0.97, "threshold": 0.95, "test_uri": "reports/fidelity.html", "model_version": "3.0.0"}

_input(fidelity) := {"bundle": {
	"model": {"use_case": "credit", "version": "3.0.0"},
	"adverse_action": {"applicable": true, "fidelity": fidelity},
}}

_paths(set) := {v.evidence_path | some v in set}

test_success_fidelity_test_passes if {
	control.deny == set() with input as _input(_fidelity)
}

test_fail_no_fidelity_test if {
	ds := control.deny with input as _input({})
	_paths(ds) == {
		"$.adverse_action.fidelity.agreement_rate", "$.adverse_action.fidelity.threshold",
		"$.adverse_action.fidelity.test_uri", "$.adverse_action.fidelity.model_version",
	}
}

test_fail_below_stated_threshold_and_stale_version if {
	ds := control.deny with input as _input(object.union(_fidelity, {"agreement_rate": 0.93, "model_version": "2.4.1"}))
	{v.msg | some v in ds} == {
		"reason codes agree with the model's attributions for 0.93 of cases; at least 0.95 is required",
		"the fidelity test ran on model version 2.4.1, not 3.0.0",
	}
}

test_fail_policy_floor_beats_a_lax_threshold if {
	ds := control.deny with input as _input(object.union(_fidelity, {"agreement_rate": 0.85, "threshold": 0.8}))
	{v.msg | some v in ds} == {"reason codes agree with the model's attributions for 0.85 of cases; at least 0.9 is required"}
}

test_success_not_applicable_without_adverse_decisions if {
	r := control.not_applicable_reason with input as {"bundle": {"model": {"use_case": "credit"}, "adverse_action": {"applicable": false}}}
	r == "the model makes no adverse credit decisions (adverse_action.applicable is false)"
}

test_success_not_applicable_outside_credit if {
	r := control.not_applicable_reason with input as {"bundle": {"model": {"use_case": "insurance"}}}
	r == "adverse-action notices apply to credit models, not insurance"
}

test_success_metadata if {
	control.control.id == "FL-AAN-02"
}
