package gate.controls.fda["gmlp-08_test"]

import data.gate.controls.fda["gmlp-08"] as control

_labeling := {
	"uri": "docs/ifu.pdf",
	"sections": {
		"intended_use": "#1", "performance": "#5", "subgroups": "#5.3",
		"data": "#6", "limitations": "#7", "update_info": "#9",
	},
}

_pairs(ds) := {[v.evidence_path, v.msg] | some v in ds}

test_success_complete_labeling if {
	control.deny == set() with input as {"bundle": {"fda": {"device_function": true, "labeling": _labeling}}}
}

test_fail_no_labeling if {
	ds := control.deny with input as {"bundle": {"fda": {"device_function": true}}}
	_pairs(ds) == {
		["$.fda.labeling.uri", "the labeling is not linked"],
		["$.fda.labeling.sections.intended_use", "the labeling has no intended_use section"],
		["$.fda.labeling.sections.performance", "the labeling has no performance section"],
		["$.fda.labeling.sections.subgroups", "the labeling has no subgroups section"],
		["$.fda.labeling.sections.data", "the labeling has no data section"],
		["$.fda.labeling.sections.limitations", "the labeling has no limitations section"],
		["$.fda.labeling.sections.update_info", "the labeling has no update_info section"],
	}
}

test_fail_missing_update_info if {
	labeling := json.remove(_labeling, ["sections/update_info"])
	ds := control.deny with input as {"bundle": {"fda": {"device_function": true, "labeling": labeling}}}
	ds == {{
		"control_id": "FDA-GMLP-08",
		"framework": "FDA GMLP / PCCP",
		"section": "GMLP Principle 9 (users are provided clear, essential information)",
		"severity": "medium",
		"title": "Labeling gives users the essential information",
		"msg": "the labeling has no update_info section",
		"evidence_path": "$.fda.labeling.sections.update_info",
		"remediation": "add a update_info section to the labeling and point fda.labeling.sections.update_info to it",
	}}
}

test_success_not_applicable_without_device_function if {
	r := control.not_applicable_reason with input as {"bundle": {}}
	r == "the model is not a device software function (fda.device_function is not true)"
}

test_success_metadata if {
	control.control.id == "FDA-GMLP-08"
	control.control.framework == "FDA GMLP / PCCP"
}
