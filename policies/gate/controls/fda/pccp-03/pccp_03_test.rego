package gate.controls.fda["pccp-03_test"]

import data.gate.controls.fda["pccp-03"] as control

_assessment := {
	"uri": "docs/pccp/impact-M2.md",
	"cumulative_changes": [],
	"risk_controls": ["Shadow run at new sites"],
}

_input(a) := {"bundle": {
	"fda": {"device_function": true, "pccp": {"impact_assessment": a}},
	"change": {"type": "material"},
}}

_pairs(ds) := {[v.evidence_path, v.msg] | some v in ds}

test_success_assessed_needs_regulatory_affairs if {
	control.deny == set() with input as _input(_assessment)
	reqs := control.required_approvals with input as _input(_assessment)
	reqs == {{
		"control_id": "FDA-PCCP-03",
		"role": "regulatory_affairs",
		"count": 1,
		"reason": "regulatory affairs confirms the modification is within the authorised PCCP and accepts its impact assessment",
	}}
}

test_fail_no_assessment if {
	ds := control.deny with input as _input({})
	_pairs(ds) == {
		["$.fda.pccp.impact_assessment.uri", "the impact assessment of the modification is not linked"],
		["$.fda.pccp.impact_assessment.cumulative_changes", "the impact assessment does not list the earlier PCCP modifications it considered"],
		["$.fda.pccp.impact_assessment.risk_controls", "the impact assessment lists no risk controls"],
	}
}

test_fail_no_risk_controls if {
	ds := control.deny with input as _input(object.union(_assessment, {"risk_controls": []}))
	_pairs(ds) == {["$.fda.pccp.impact_assessment.risk_controls", "the impact assessment lists no risk controls"]}
}

test_success_not_applicable_without_device_function if {
	r := control.not_applicable_reason with input as {"bundle": {}}
	r == "the model is not a device software function (fda.device_function is not true)"
}

test_success_metadata if {
	control.control.id == "FDA-PCCP-03"
	control.control.framework == "FDA GMLP / PCCP"
}
