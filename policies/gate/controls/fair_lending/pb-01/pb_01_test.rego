package gate.controls.fair_lending["pb-01_test"]

import data.gate.controls.fair_lending["pb-01"] as control

_bundle := {
	"model": {"use_case": "credit", "features": [
		{"name": "bureau_score", "protected": false},
		{"name": "debt_to_income", "protected": false},
	]},
	"fairness": {"prohibited_features_in_model": [], "age_usage": {"used": false, "elderly_negative_weight": false}},
}

_paths(set) := {v.evidence_path | some v in set}

_msgs(set) := {v.msg | some v in set}

test_success_clean_inputs if {
	control.deny == set() with input as {"bundle": _bundle}
}

test_fail_no_evidence if {
	ds := control.deny with input as {"bundle": {"model": {"use_case": "credit"}}}
	_paths(ds) == {"$.model.features", "$.fairness.prohibited_features_in_model", "$.fairness.age_usage.used"}
}

test_fail_prohibited_and_protected_features if {
	b := json.patch(_bundle, [
		{"op": "add", "path": "/model/features/-", "value": {"name": "Marital_Status"}},
		{"op": "add", "path": "/model/features/-", "value": {"name": "zip_cluster", "protected": true}},
		{"op": "replace", "path": "/fairness/prohibited_features_in_model", "value": ["marital_status"]},
	])
	ds := control.deny with input as {"bundle": b}
	_msgs(ds) == {
		"feature Marital_Status is a prohibited basis (or flagged protected) and must not be a model input",
		"feature zip_cluster is a prohibited basis (or flagged protected) and must not be a model input",
		"the prohibited-feature screen found marital_status among the model inputs",
	}
}

test_fail_age_input_without_attestation if {
	b := json.patch(_bundle, [{"op": "add", "path": "/model/features/-", "value": {"name": "age", "protected": true}}])
	ds := control.deny with input as {"bundle": b}
	_paths(ds) == {"$.fairness.age_usage.used", "$.validation.edds_attestation.attested"}
}

test_fail_age_used_with_elderly_penalty if {
	b := json.patch(_bundle, [
		{"op": "replace", "path": "/fairness/age_usage", "value": {"used": true, "elderly_negative_weight": true}},
		{"op": "add", "path": "/validation", "value": {"edds_attestation": {"attested": true}}},
	])
	ds := control.deny with input as {"bundle": b}
	_paths(ds) == {"$.fairness.age_usage.elderly_negative_weight"}
}

test_success_age_used_soundly if {
	b := json.patch(_bundle, [
		{"op": "add", "path": "/model/features/-", "value": {"name": "applicant_age", "protected": true}},
		{"op": "replace", "path": "/fairness/age_usage", "value": {"used": true, "elderly_negative_weight": false}},
		{"op": "add", "path": "/validation", "value": {"edds_attestation": {"attested": true}}},
	])
	control.deny == set() with input as {"bundle": b}
}

test_success_not_applicable_outside_credit if {
	control.not_applicable_reason == "fair-lending testing applies to credit models, not fraud" with input as {"bundle": {"model": {"use_case": "fraud"}}}
}

test_success_applicable_to_credit if {
	not control.not_applicable_reason with input as {"bundle": _bundle}
}

test_success_metadata if {
	control.control.id == "FL-PB-01"
}
