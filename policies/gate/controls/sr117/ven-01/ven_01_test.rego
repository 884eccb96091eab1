package gate.controls.sr117["ven-01_test"]

import data.gate.controls.sr117.fixtures_test as fx
import data.gate.controls.sr117["ven-01"] as control

_vendor := {
	"name": "ScoreCo",
	"dev_evidence_uri": "vendor/dev.pdf",
	"own_data_validation_uri": "vendor/own-data.html",
	"customizations_uri": "vendor/custom.md",
	"contingency_plan_uri": "vendor/contingency.md",
}

test_success_not_applicable_for_in_house_model if {
	control.not_applicable_reason == "not a vendor model (model.is_vendor is not true)" with input as fx.input_at("production", fx.bundle)
}

test_success_vendor_evidence_complete if {
	b := fx.patched({"model": {"is_vendor": true}, "vendor": _vendor})
	not control.not_applicable_reason with input as fx.input_at("production", b)
	control.deny == set() with input as fx.input_at("production", b)
	{[r.role, r.count] | some r in control.required_approvals} == {["mrm", 1]} with input as fx.input_at("production", b)
}

test_fail_vendor_without_evidence if {
	b := fx.patched({"model": {"is_vendor": true}, "vendor": {"name": "ScoreCo"}})
	fx.paths(control.deny) == {
		"$.vendor.dev_evidence_uri",
		"$.vendor.own_data_validation_uri",
		"$.vendor.customizations_uri",
		"$.vendor.contingency_plan_uri",
	} with input as fx.input_at("production", b)
}

test_success_metadata_names_both_guidances if {
	control.control.id == "SR117-VEN-01"
	contains(control.control.section, "SR 11-7")
	contains(control.control.section, "SR 26-2")
}
