package gate.controls.sr117["dev-02_test"]

import data.gate.controls.sr117["dev-02"] as control
import data.gate.controls.sr117.fixtures_test as fx

test_success_documented_data if {
	control.deny == set() with input as fx.input_at("merge", fx.bundle)
}

test_fail_no_datasets_or_governance if {
	fx.paths(control.deny) == {
		"$.data.datasets",
		"$.data.governance.assumptions",
		"$.data.governance.proxies",
	} with input as fx.input_at("merge", fx.without(["/data/datasets", "/data/governance"]))
}

test_fail_dataset_without_lineage_and_quality if {
	b := fx.without(["/data/datasets/0/lineage_uri", "/data/datasets/0/quality"])
	fx.paths(control.deny) == {
		"$.data.datasets[0].lineage_uri",
		"$.data.datasets[0].quality.missing_rate",
		"$.data.datasets[0].quality.duplicate_rate",
		"$.data.datasets[0].quality.schema_valid",
		"$.data.datasets[0].quality.range_checks_passed",
	} with input as fx.input_at("merge", b)
}

test_fail_dataset_without_population_statement if {
	b := fx.without(["/data/datasets/0/population_statement"])
	fx.paths(control.deny) == {"$.data.datasets[0].population_statement"} with input as fx.input_at("merge", b)
}

test_fail_quality_checks_failed_and_over_limits if {
	b := json.patch(fx.bundle, [
		{"op": "replace", "path": "/data/datasets/0/quality/schema_valid", "value": false},
		{"op": "replace", "path": "/data/datasets/0/quality/missing_rate", "value": 0.07},
		{"op": "replace", "path": "/data/datasets/0/quality/duplicate_rate", "value": 0.02},
	])
	fx.paths(control.deny) == {
		"$.data.datasets[0].quality.schema_valid",
		"$.data.datasets[0].quality.missing_rate",
		"$.data.datasets[0].quality.duplicate_rate",
	} with input as fx.input_at("merge", b)
}

test_success_quality_limit_by_tier if {
	b := json.patch(fx.bundle, [
		{"op": "replace", "path": "/data/datasets/0/quality/missing_rate", "value": 0.07},
		{"op": "replace", "path": "/model/risk_tier", "value": "medium"},
	])
	control.deny == set() with input as fx.input_at("merge", b)
}

test_fail_unjustified_proxy if {
	b := fx.patched({"data": {"governance": {"proxies": [{"name": "zip3", "proxy_for": "local economy"}]}}})
	fx.paths(control.deny) == {"$.data.governance.proxies[0].justification"} with input as fx.input_at("merge", b)
}

test_success_metadata_names_both_guidances if {
	control.control.id == "SR117-DEV-02"
	contains(control.control.section, "SR 11-7")
	contains(control.control.section, "SR 26-2")
}

_train := fx.bundle.data.datasets[0]

_with_train(ds) := fx.patched({"data": object.union(fx.bundle.data, {"datasets": [ds]})})

test_fail_training_data_without_transformations_and_sampling if {
	b := _with_train(object.remove(_train, ["transformations", "sampling"]))
	fx.paths(control.deny) == {
		"$.data.datasets[0].transformations",
		"$.data.datasets[0].sampling.method",
		"$.data.datasets[0].sampling.weighting",
	} with input as fx.input_at("merge", b)
}

test_fail_empty_transformations_and_blank_weighting if {
	b := _with_train(object.union(_train, {"transformations": [], "sampling": {"method": "random 80%", "weighting": ""}}))
	fx.paths(control.deny) == {
		"$.data.datasets[0].transformations",
		"$.data.datasets[0].sampling.weighting",
	} with input as fx.input_at("merge", b)
}

test_fail_no_training_dataset if {
	b := _with_train(object.union(_train, {"role": "validation"}))
	fx.paths(control.deny) == {"$.data.datasets"} with input as fx.input_at("merge", b)
}
