package gate.controls.sr117["mon-02_test"]

import data.gate.controls.sr117.fixtures_test as fx
import data.gate.controls.sr117["mon-02"] as control

test_success_overrides_in_bounds if {
	control.deny == set() with input as fx.input_at("monitoring", fx.bundle)
	control.warn == set() with input as fx.input_at("monitoring", fx.bundle)
}

test_fail_overrides_not_tracked if {
	fx.paths(control.deny) == {
		"$.monitoring.latest.override_rate",
		"$.monitoring.latest.override_outcome_delta",
		"$.monitoring.plan.thresholds.override_rate",
	} with input as fx.input_at("monitoring", fx.without(["/monitoring/latest", "/monitoring/plan/thresholds/override_rate"]))
}

test_fail_high_and_beneficial_overrides if {
	b := fx.patched({"monitoring": {"latest": {"override_rate": 0.08, "override_outcome_delta": 0.03}}})
	fx.paths(control.deny) == {
		"$.monitoring.latest.override_rate",
		"$.monitoring.latest.override_outcome_delta",
	} with input as fx.input_at("monitoring", b)
}

test_fail_loose_plan_threshold_warns if {
	b := fx.patched({"monitoring": {"plan": {"thresholds": {"override_rate": 0.1}}}})
	control.deny == set() with input as fx.input_at("monitoring", b)
	fx.paths(control.warn) == {"$.monitoring.plan.thresholds.override_rate"} with input as fx.input_at("monitoring", b)
}

test_success_metadata_names_both_guidances if {
	control.control.id == "SR117-MON-02"
	contains(control.control.section, "SR 11-7")
	contains(control.control.section, "SR 26-2")
}
