package gate.controls.eu_ai_act["data-02_test"]

import data.gate.controls.eu_ai_act["data-02"] as control
import data.gate.controls.eu_ai_act.fixtures_test as fx

_paths(vs) := {v.evidence_path | some v in vs}

_merge(b) := fx.policy_input(b, "merge", fx.now)

test_success_datasets_fit if {
	control.deny == set() with input as fx.at_stage("merge")
}

test_success_reference_datasets_are_not_governed if {
	b := json.patch(fx.bundle, [{"op": "add", "path": "/data/datasets/-", "value": {"name": "census", "role": "reference"}}])
	control.deny == set() with input as _merge(b)
}

test_fail_no_datasets if {
	_paths(control.deny) == {"$.data.datasets"} with input as _merge(fx.without(["/data/datasets"]))
}

test_fail_dataset_without_records if {
	b := fx.put("/data/datasets/0", {"name": "train", "role": "train"})
	_paths(control.deny) == {
		"$.data.datasets[0].quality.missing_rate",
		"$.data.datasets[0].quality.label_error_rate",
		"$.data.datasets[0].quality.duplicate_rate",
		"$.data.datasets[0].representativeness.reference_population",
		"$.data.datasets[0].representativeness.segments",
		"$.data.datasets[0].representativeness.coverage_ratio_min",
		"$.data.datasets[0].representativeness.psi_vs_target",
		"$.data.datasets[0].context.geography",
		"$.data.datasets[0].context.channel",
	} with input as _merge(b)
}

test_fail_out_of_limits if {
	b := json.patch(fx.bundle, [
		{"op": "replace", "path": "/data/datasets/0/quality/missing_rate", "value": 0.2},
		{"op": "replace", "path": "/data/datasets/0/representativeness/coverage_ratio_min", "value": 0.5},
	])
	control.deny == {
		{
			"control_id": "EUAIA-DATA-02", "framework": "EU AI Act", "section": "Art 10(3)-(4)", "severity": "high",
			"title": "Datasets relevant, representative, complete and fit for the population",
			"msg": "dataset train-2021-2024h1: quality.missing_rate is 0.2, outside the limit 0.05",
			"remediation": "improve the data (clean, relabel, deduplicate, resample or reweight) until it is within the limit",
			"evidence_path": "$.data.datasets[0].quality.missing_rate",
		},
		{
			"control_id": "EUAIA-DATA-02", "framework": "EU AI Act", "section": "Art 10(3)-(4)", "severity": "high",
			"title": "Datasets relevant, representative, complete and fit for the population",
			"msg": "dataset train-2021-2024h1: representativeness.coverage_ratio_min is 0.5, outside the limit 0.8",
			"remediation": "improve the data (clean, relabel, deduplicate, resample or reweight) until it is within the limit",
			"evidence_path": "$.data.datasets[0].representativeness.coverage_ratio_min",
		},
	} with input as _merge(b)
}

test_limits_come_from_data if {
	b := fx.put("/data/datasets/0/quality/missing_rate", 0.2)
	control.deny == set() with input as _merge(b)
		with data.gate.overrides as {"eu_ai_act": {"data_quality": {"missing_rate_max": 0.25}}}
}

test_not_applicable_out_of_scope if {
	control.not_applicable_reason == "eu_ai_act.applicable is not true: the model is outside the EU AI Act high-risk regime" with input as _merge(fx.put("/eu_ai_act/applicable", false))
}

test_annotation if {
	control.control.id == "EUAIA-DATA-02"
	control.control.framework == "EU AI Act"
	control.control.effective_from == "2027-12-02"
}
