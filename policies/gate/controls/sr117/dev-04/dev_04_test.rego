package gate.controls.sr117["dev-04_test"]

import data.gate.controls.sr117["dev-04"] as control
import data.gate.controls.sr117.fixtures_test as fx

test_success_stable_model if {
	control.deny == set() with input as fx.input_at("staging", fx.bundle)
}

test_fail_no_analysis if {
	fx.paths(control.deny) == {
		"$.testing.sensitivity.uri",
		"$.testing.sensitivity.perturbations",
		"$.testing.sensitivity.max_output_change",
		"$.testing.sensitivity.tolerance",
		"$.testing.sensitivity.within_tolerance",
	} with input as fx.input_at("merge", fx.without(["/testing/sensitivity"]))
}

test_fail_instability if {
	b := fx.patched({"testing": {"sensitivity": {"max_output_change": 0.05, "within_tolerance": false}}})
	fx.paths(control.deny) == {
		"$.testing.sensitivity.max_output_change",
		"$.testing.sensitivity.within_tolerance",
	} with input as fx.input_at("merge", b)
}

test_fail_claimed_within_tolerance_but_above if {
	b := fx.patched({"testing": {"sensitivity": {"max_output_change": 0.05}}})
	fx.paths(control.deny) == {"$.testing.sensitivity.max_output_change"} with input as fx.input_at("merge", b)
}

test_success_metadata_names_both_guidances if {
	control.control.id == "SR117-DEV-04"
	contains(control.control.section, "SR 11-7")
	contains(control.control.section, "SR 26-2")
}
