package gate.controls.sr117["val-03_test"]

import data.gate.controls.sr117.fixtures_test as fx
import data.gate.controls.sr117["val-03"] as control

test_success_reviewed if {
	control.deny == set() with input as fx.input_at("staging", fx.bundle)
}

test_fail_no_review if {
	fx.paths(control.deny) == {
		"$.validation.conceptual_soundness.uri",
		"$.validation.conceptual_soundness.conclusion",
		"$.validation.conceptual_soundness.reviewed_assumptions",
	} with input as fx.input_at("staging", fx.without(["/validation/conceptual_soundness"]))
}

test_fail_no_assumptions_reviewed if {
	b := fx.patched({"validation": {"conceptual_soundness": {"reviewed_assumptions": []}}})
	fx.paths(control.deny) == {"$.validation.conceptual_soundness.reviewed_assumptions"} with input as fx.input_at("staging", b)
}

test_success_metadata_names_both_guidances if {
	control.control.id == "SR117-VAL-03"
	contains(control.control.section, "SR 11-7")
	contains(control.control.section, "SR 26-2")
}
