package gate.controls.mrm_gate["appl-01_test"]

import data.gate.controls.mrm_gate["appl-01"] as control

_paths(bundle) := {v.evidence_path | some v in vs} if {
	vs := control.deny with input as {"bundle": bundle}
}

test_success_declared_switches if {
	_paths({
		"model": {"use_case": "credit", "jurisdictions": ["US", "de"], "is_vendor": false},
		"eu_ai_act": {"applicable": true},
		"adverse_action": {"applicable": true},
	}) == set()
}

test_success_false_is_a_declaration if {
	_paths({
		"model": {"use_case": "clinical", "jurisdictions": ["US"], "is_vendor": true},
		"fda": {"device_function": false},
	}) == set()
}

test_success_us_fraud_model_needs_only_vendor_flag if {
	_paths({"model": {"use_case": "fraud", "jurisdictions": ["US"], "is_vendor": false}}) == set()
}

test_fail_eu_credit_model_without_sections if {
	_paths({"model": {"use_case": "credit", "jurisdictions": ["EU"]}}) == {
		"$.eu_ai_act.applicable", "$.adverse_action.applicable", "$.model.is_vendor",
	}
}

test_fail_clinical_model_without_fda_section if {
	_paths({"model": {"use_case": "clinical", "jurisdictions": ["US"], "is_vendor": false}}) == {"$.fda.device_function"}
}

test_fail_non_boolean_flag if {
	vs := control.deny with input as {"bundle": {
		"model": {"use_case": "fraud", "jurisdictions": ["FR"], "is_vendor": false},
		"eu_ai_act": {"applicable": "yes"},
	}}
	{v.msg | some v in vs} == {"eu_ai_act.applicable is not declared (true or false) although the model is used in an EU or EEA jurisdiction"}
}
