package gate.controls.fda["gmlp-05_test"]

import data.gate.controls.fda["gmlp-05"] as control

_ref := {
	"method": "Histopathology",
	"adjudication": "Third reader on disagreement",
	"inter_rater_kappa": 0.8,
	"limitations": "Follow-up for non-excised cases",
	"uri": "docs/reference.md",
}

_input(ref) := {"bundle": {"fda": {"device_function": true, "reference_standard": ref}}}

_pairs(ds) := {[v.evidence_path, v.msg] | some v in ds}

test_success_documented_reference_standard_needs_clinical_lead if {
	control.deny == set() with input as _input(_ref)
	reqs := control.required_approvals with input as _input(_ref)
	reqs == {{
		"control_id": "FDA-GMLP-05",
		"role": "clinical_lead",
		"count": 1,
		"reason": "a clinical lead accepts the reference standard and its limits",
	}}
}

test_fail_nothing_recorded if {
	ds := control.deny with input as {"bundle": {"fda": {"device_function": true}}}
	_pairs(ds) == {
		["$.fda.reference_standard.method", "the reference standard's method is not recorded"],
		["$.fda.reference_standard.adjudication", "the reference standard's adjudication is not recorded"],
		["$.fda.reference_standard.limitations", "the reference standard's limitations is not recorded"],
		["$.fda.reference_standard.uri", "the reference standard's uri is not recorded"],
		["$.fda.reference_standard.inter_rater_kappa", "inter-rater agreement (kappa) is not recorded, below the minimum 0.6"],
	}
}

test_fail_low_agreement if {
	ds := control.deny with input as _input(object.union(_ref, {"inter_rater_kappa": 0.41}))
	_pairs(ds) == {["$.fda.reference_standard.inter_rater_kappa", "inter-rater agreement (kappa) is 0.41, below the minimum 0.6"]}
}

test_success_not_applicable_without_device_function if {
	r := control.not_applicable_reason with input as {"bundle": {}}
	r == "the model is not a device software function (fda.device_function is not true)"
}

test_success_metadata if {
	control.control.id == "FDA-GMLP-05"
	control.control.framework == "FDA GMLP / PCCP"
}
