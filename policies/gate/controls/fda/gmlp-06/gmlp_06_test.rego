package gate.controls.fda["gmlp-06_test"]

import data.gate.controls.fda["gmlp-06"] as control

_fda := {
	"device_function": true,
	"design_rationale_uri": "docs/rationale.md",
	"human_ai_study": {"uri": "reports/reader-study.pdf", "result": "non_inferior", "reader_count": 4},
}

_pairs(ds) := {[v.evidence_path, v.msg] | some v in ds}

test_success_study_recorded_needs_clinical_lead if {
	control.deny == set() with input as {"bundle": {"fda": _fda}}
	reqs := control.required_approvals with input as {"bundle": {"fda": _fda}}
	reqs == {{
		"control_id": "FDA-GMLP-06",
		"role": "clinical_lead",
		"count": 1,
		"reason": "a clinical lead accepts the design rationale and the human-AI team study",
	}}
}

test_fail_nothing_recorded if {
	ds := control.deny with input as {"bundle": {"fda": {"device_function": true}}}
	_pairs(ds) == {
		["$.fda.design_rationale_uri", "the model design rationale is not recorded"],
		["$.fda.human_ai_study.uri", "the human-AI team study report is not recorded"],
		["$.fda.human_ai_study.result", "the human-AI team study outcome is not recorded"],
		["$.fda.human_ai_study.reader_count", "the human-AI team study had no recorded readers, fewer than 2"],
	}
}

test_fail_inferior_study_with_one_reader if {
	fda := object.union(_fda, {"human_ai_study": {"result": "inferior", "reader_count": 1}})
	ds := control.deny with input as {"bundle": {"fda": fda}}
	_pairs(ds) == {
		["$.fda.human_ai_study.result", "the human-AI team study outcome is inferior"],
		["$.fda.human_ai_study.reader_count", "the human-AI team study had 1 readers, fewer than 2"],
	}
}

test_success_not_applicable_without_device_function if {
	r := control.not_applicable_reason with input as {"bundle": {"fda": {"device_function": false}}}
	r == "the model is not a device software function (fda.device_function is not true)"
}

test_success_metadata if {
	control.control.id == "FDA-GMLP-06"
	control.control.framework == "FDA GMLP / PCCP"
}
