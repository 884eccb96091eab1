package gate.controls.sr117["dev-01_test"]

import data.gate.controls.sr117["dev-01"] as control
import data.gate.controls.sr117.fixtures_test as fx

test_success_complete_documentation if {
	control.deny == set() with input as fx.input_at("merge", fx.bundle)
}

test_fail_missing_document if {
	fx.paths(control.deny) == {
		"$.docs.development.uri",
		"$.docs.development.digest",
		"$.docs.development.model_version",
		"$.docs.development.sections.purpose",
		"$.docs.development.sections.theory",
		"$.docs.development.sections.methodology",
		"$.docs.development.sections.assumptions",
		"$.docs.development.sections.limitations",
		"$.docs.development.sections.data",
		"$.docs.development.sections.testing",
		"$.docs.development.sections.use_restrictions",
	} with input as fx.input_at("merge", fx.without(["/docs"]))
}

test_fail_stale_version if {
	fx.paths(control.deny) == {"$.docs.development.model_version"} with input as fx.input_at("merge", fx.patched({"docs": {"development": {"model_version": "2.4.1"}}}))
}

test_fail_high_tier_needs_testing_section if {
	b := fx.without(["/docs/development/sections/testing"])
	fx.paths(control.deny) == {"$.docs.development.sections.testing"} with input as fx.input_at("merge", b)
}

test_success_low_tier_streamlined_sections if {
	b := json.patch(fx.bundle, [
		{"op": "remove", "path": "/docs/development/sections/testing"},
		{"op": "remove", "path": "/docs/development/sections/data"},
		{"op": "replace", "path": "/model/risk_tier", "value": "low"},
	])
	control.deny == set() with input as fx.input_at("merge", b)
}

test_success_metadata_names_both_guidances if {
	control.control.id == "SR117-DEV-01"
	contains(control.control.section, "SR 11-7")
	contains(control.control.section, "SR 26-2")
}

test_fail_model_design_section_deleted if {
	fx.paths(control.deny) == {
		"$.model_design.algorithm",
		"$.model_design.hyperparameters",
		"$.model_design.selection_method",
		"$.model_design.regularisation",
		"$.model_design.constraints",
		"$.model_design.uri",
	} with input as fx.input_at("merge", fx.without(["/model_design"]))
}

test_fail_blank_selection_method_and_constraints_not_a_list if {
	b := fx.patched({"model_design": object.union(fx.bundle.model_design, {"selection_method": "  ", "constraints": "none"})})
	fx.paths(control.deny) == {"$.model_design.selection_method", "$.model_design.constraints"} with input as fx.input_at("merge", b)
}

test_success_no_constraints_stated_as_empty_list if {
	b := fx.patched({"model_design": object.union(fx.bundle.model_design, {"constraints": []})})
	control.deny == set() with input as fx.input_at("merge", b)
}
