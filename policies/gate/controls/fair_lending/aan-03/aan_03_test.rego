package gate.controls.fair_lending["aan-03_test"]

import data.gate.controls.fair_lending["aan-03"] as control

_bundle := {
	"model": {"use_case": "credit"},
	"adverse_action": {"applicable": true, "notice_sla_days": 30, "notices_late_count": 0},
	"ops": {"retention": {"decision_records_months": 84}},
}

_paths(set) := {v.evidence_path | some v in set}

test_success_on_time_and_retained if {
	control.deny == set() with input as {"bundle": _bundle}
}

test_fail_nothing_recorded if {
	ds := control.deny with input as {"bundle": {"model": {"use_case": "credit"}, "adverse_action": {"applicable": true}}}
	{v.msg | some v in ds} == {
		"the notice SLA is unset days; at most 30 are allowed",
		"the count of late adverse-action notices is not recorded",
		"decision records are kept for an unrecorded number of months; at least 25 are required",
	}
}

test_fail_late_notices_long_sla_short_retention if {
	b := object.union(_bundle, {
		"adverse_action": {"notice_sla_days": 45, "notices_late_count": 3},
		"ops": {"retention": {"decision_records_months": 12}},
	})
	ds := control.deny with input as {"bundle": b}
	{v.msg | some v in ds} == {
		"the notice SLA is 45 days; at most 30 are allowed",
		"3 adverse-action notices were late (at most 0 allowed)",
		"decision records are kept for 12 months; at least 25 are required",
	}
}

test_success_not_applicable_without_adverse_decisions if {
	r := control.not_applicable_reason with input as {"bundle": {"model": {"use_case": "credit"}, "adverse_action": {"applicable": false}}}
	r == "the model makes no adverse credit decisions (adverse_action.applicable is false)"
}

test_success_not_applicable_outside_credit if {
	r := control.not_applicable_reason with input as {"bundle": {"model": {"use_case": "fraud"}}}
	r == "adverse-action notices apply to credit models, not fraud"
}

test_success_metadata if {
	control.control.id == "FL-AAN-03"
}
