package gate.controls.sr117["mon-01_test"]

import data.gate.controls.sr117.fixtures_test as fx
import data.gate.controls.sr117["mon-01"] as control

test_success_plan_scheduled if {
	control.deny == set() with input as fx.input_at("production", fx.bundle)
}

test_fail_no_monitoring if {
	fx.paths(control.deny) == {
		"$.monitoring.plan.uri",
		"$.monitoring.plan.metrics",
		"$.monitoring.plan.thresholds",
		"$.monitoring.plan.frequency",
		"$.monitoring.plan.owner_id",
		"$.monitoring.plan.escalation_path",
		"$.monitoring.job_status",
	} with input as fx.input_at("production", fx.without(["/monitoring"]))
}

test_fail_quarterly_too_rare_for_high_tier_and_paused if {
	b := fx.patched({"monitoring": {"plan": {"frequency": "quarterly"}, "job_status": "paused"}})
	fx.paths(control.deny) == {
		"$.monitoring.plan.frequency",
		"$.monitoring.job_status",
	} with input as fx.input_at("production", b)
}

test_success_quarterly_enough_for_medium_tier if {
	b := fx.patched({"model": {"risk_tier": "medium"}, "monitoring": {"plan": {"frequency": "quarterly"}}})
	control.deny == set() with input as fx.input_at("production", b)
}

test_success_metadata_names_both_guidances if {
	control.control.id == "SR117-MON-01"
	contains(control.control.section, "SR 11-7")
	contains(control.control.section, "SR 26-2")
}
