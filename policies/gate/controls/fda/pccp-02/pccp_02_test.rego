package gate.controls.fda["pccp-02_test"]

import data.gate.controls.fda["pccp-02"] as control

_protocol := {
	"data_management_uri": "docs/pccp/data.md",
	"retraining_uri": "docs/pccp/retraining.md",
	"update_procedure_uri": "docs/pccp/update.md",
	"performance_eval": {
		"acceptance_criteria": {"sensitivity": {"min": 0.92}, "auc": {"min": 0.95}},
		"results": {"sensitivity": 0.95, "auc": 0.98},
		"pass": true,
	},
}

_input(protocol) := {"bundle": {
	"fda": {"device_function": true, "pccp": {"protocol": protocol}},
	"change": {"type": "recalibration"},
}}

_pairs(ds) := {[v.evidence_path, v.msg] | some v in ds}

test_success_protocol_followed if {
	control.deny == set() with input as _input(_protocol)
}

test_fail_no_protocol if {
	ds := control.deny with input as _input({})
	_pairs(ds) == {
		["$.fda.pccp.protocol.data_management_uri", "the modification protocol's data_management_uri is not linked"],
		["$.fda.pccp.protocol.retraining_uri", "the modification protocol's retraining_uri is not linked"],
		["$.fda.pccp.protocol.update_procedure_uri", "the modification protocol's update_procedure_uri is not linked"],
		["$.fda.pccp.protocol.performance_eval.acceptance_criteria", "the performance evaluation has no pre-specified acceptance criteria"],
		["$.fda.pccp.protocol.performance_eval.pass", "the performance evaluation is not recorded as passed"],
	}
}

test_fail_criterion_missed_though_marked_passed if {
	p := json.patch(_protocol, [
		{"op": "replace", "path": "/performance_eval/results/sensitivity", "value": 0.9},
		{"op": "remove", "path": "/performance_eval/results/auc"},
	])
	ds := control.deny with input as _input(p)
	_pairs(ds) == {
		["$.fda.pccp.protocol.performance_eval.results.sensitivity", "sensitivity is 0.9, which does not meet the protocol's criterion >= 0.92"],
		["$.fda.pccp.protocol.performance_eval.results.auc", "auc is not reported, which does not meet the protocol's criterion >= 0.95"],
	}
}

test_fail_evaluation_failed if {
	p := json.patch(_protocol, [{"op": "replace", "path": "/performance_eval/pass", "value": false}])
	ds := control.deny with input as _input(p)
	_pairs(ds) == {["$.fda.pccp.protocol.performance_eval.pass", "the performance evaluation is not recorded as passed"]}
}

test_success_not_applicable_to_new_model if {
	r := control.not_applicable_reason with input as {"bundle": {"fda": {"device_function": true}, "change": {"type": "new_model"}}}
	r == "a new model is cleared through its own marketing submission, not as a PCCP modification"
}

test_success_metadata if {
	control.control.id == "FDA-PCCP-02"
	control.control.framework == "FDA GMLP / PCCP"
}
