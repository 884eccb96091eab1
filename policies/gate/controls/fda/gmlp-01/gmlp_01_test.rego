package gate.controls.fda["gmlp-01_test"]

import data.gate.controls.fda["gmlp-01"] as control

_panel := [
	{"role": "clinical", "id": "hana-clinical-lead"},
	{"role": "data_science", "id": "priya-dev"},
	{"role": "human_factors", "id": "hugo-hf"},
	{"role": "regulatory", "id": "rita-ra"},
]

_input(panel) := {"bundle": {"fda": {"device_function": true, "review_panel": panel}}}

test_success_full_panel_needs_clinical_lead if {
	control.deny == set() with input as _input(_panel)
	reqs := control.required_approvals with input as _input(_panel)
	reqs == {{
		"control_id": "FDA-GMLP-01",
		"role": "clinical_lead",
		"count": 1,
		"reason": "a clinical lead signs off the intended use and the evaluation design",
	}}
}

test_fail_missing_disciplines if {
	ds := control.deny with input as _input([{"role": "clinical", "id": "hana-clinical-lead"}, {"role": "regulatory"}])
	{v.msg | some v in ds} == {
		"the review panel has no data_science reviewer",
		"the review panel has no human_factors reviewer",
		"the review panel has no regulatory reviewer",
	}
}

test_success_not_applicable_without_device_function if {
	r := control.not_applicable_reason with input as {"bundle": {"fda": {"device_function": false}}}
	r == "the model is not a device software function (fda.device_function is not true)"
}

test_success_applicable_to_device_function if {
	not control.not_applicable_reason with input as _input(_panel)
}

test_success_metadata if {
	control.control.id == "FDA-GMLP-01"
}
