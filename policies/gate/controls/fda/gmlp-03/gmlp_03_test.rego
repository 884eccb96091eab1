package gate.controls.fda["gmlp-03_test"]

import data.gate.controls.fda["gmlp-03"] as control

_rep := {
	"segments": ["age:18-39", "age:40+", "site:A"],
	"n_per_segment": {"age:18-39": 60, "age:40+": 400, "site:A": 460},
	"min_n": 50,
}

_bundle(datasets) := {
	"fda": {"device_function": true, "intended_population_uri": "docs/population.md"},
	"data": {"datasets": datasets},
}

_ok := [
	{"name": "train", "role": "train", "representativeness": _rep},
	{"name": "val", "role": "validation"},
	{"name": "test", "role": "test", "representativeness": _rep},
]

_pairs(ds) := {[v.evidence_path, v.msg] | some v in ds}

test_success_representative_train_and_test if {
	control.deny == set() with input as {"bundle": _bundle(_ok)}
}

test_fail_nothing_recorded if {
	ds := control.deny with input as {"bundle": {"fda": {"device_function": true}}}
	_pairs(ds) == {
		["$.fda.intended_population_uri", "the intended patient population is not described"],
		["$.data.datasets", "no train dataset is recorded"],
		["$.data.datasets", "no test dataset is recorded"],
	}
}

test_fail_full_violation_object if {
	ds := control.deny with input as {"bundle": object.union(_bundle(_ok), {"fda": {"intended_population_uri": ""}})}
	ds == {{
		"control_id": "FDA-GMLP-03",
		"framework": "FDA GMLP / PCCP",
		"section": "GMLP Principle 3 (participants and data representative of the intended patient population)",
		"severity": "high",
		"title": "Training and test data represent the intended patient population",
		"msg": "the intended patient population is not described",
		"evidence_path": "$.fda.intended_population_uri",
		"remediation": "describe the intended patient population (age, sex, race and ethnicity, sites, acquisition devices) and link it",
	}}
}

test_fail_missing_attribute_and_min_n if {
	rep := {"segments": ["age:18-39"], "n_per_segment": {"age:18-39": 60}}
	ds := control.deny with input as {"bundle": _bundle([
		{"role": "train", "representativeness": rep},
		{"role": "test"},
	])}
	_pairs(ds) == {
		["$.data.datasets[0].representativeness.segments", "dataset 0 has no site segment in its representativeness record"],
		["$.data.datasets[0].representativeness.min_n", "dataset 0 does not state the minimum records per segment"],
		["$.data.datasets[1].representativeness.segments", "dataset 1 has no age segment in its representativeness record"],
		["$.data.datasets[1].representativeness.segments", "dataset 1 has no site segment in its representativeness record"],
		["$.data.datasets[1].representativeness.min_n", "dataset 1 does not state the minimum records per segment"],
	}
}

test_fail_small_and_uncounted_segments if {
	rep := {"segments": _rep.segments, "n_per_segment": {"age:18-39": 20, "site:A": 460}, "min_n": 10}
	ds := control.deny with input as {"bundle": _bundle([
		{"role": "train", "representativeness": _rep},
		{"role": "test", "representativeness": rep},
	])}
	_pairs(ds) == {
		["$.data.datasets[1].representativeness.n_per_segment", "dataset 1 segment age:18-39 has 20 records, fewer than 30"],
		["$.data.datasets[1].representativeness.n_per_segment", "dataset 1 segment age:40+ has no records, fewer than 30"],
	}
}

test_fail_bundle_min_n_above_policy_floor if {
	rep := object.union(_rep, {"min_n": 100})
	ds := control.deny with input as {"bundle": _bundle([
		{"role": "train", "representativeness": _rep},
		{"role": "test", "representativeness": rep},
	])}
	_pairs(ds) == {["$.data.datasets[1].representativeness.n_per_segment", "dataset 1 segment age:18-39 has 60 records, fewer than 100"]}
}

test_success_not_applicable_without_device_function if {
	r := control.not_applicable_reason with input as {"bundle": {"fda": {"device_function": false}}}
	r == "the model is not a device software function (fda.device_function is not true)"
	not control.not_applicable_reason with input as {"bundle": _bundle(_ok)}
}

test_success_metadata if {
	control.control.id == "FDA-GMLP-03"
	control.control.framework == "FDA GMLP / PCCP"
}
