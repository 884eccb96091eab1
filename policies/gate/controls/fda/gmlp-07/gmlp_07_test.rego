package gate.controls.fda["gmlp-07_test"]

import data.gate.controls.fda["gmlp-07"] as control

_test := {
	"uri": "reports/standalone.pdf",
	"conditions": ["Routine outpatient workflow"],
	"acceptance_criteria": {"sensitivity": {"min": 0.9}, "fpr": {"max": 0.2}},
	"results": {"sensitivity": 0.95, "fpr": 0.1},
	"subgroup_results": [
		{"attribute": "age", "segment": "18-39", "n": 200, "metrics": {"sensitivity": 0.93, "ppv": 0.5}},
		{"attribute": "site", "segment": "C", "n": 120},
	],
	"ci": {"level": 0.95, "intervals": {
		"sensitivity": {"lower": 0.92, "upper": 0.97},
		"fpr": {"lower": 0.05, "upper": 0.15},
	}},
}

_input(t) := {"bundle": {"fda": {"device_function": true, "clinical_test": t}}}

_pairs(ds) := {[v.evidence_path, v.msg] | some v in ds}

test_success_criteria_met_with_intervals if {
	control.deny == set() with input as _input(_test)
	control.warn == set() with input as _input(_test)
}

test_fail_nothing_recorded if {
	ds := control.deny with input as {"bundle": {"fda": {"device_function": true}}}
	_pairs(ds) == {
		["$.fda.clinical_test.uri", "the clinical test report is not recorded"],
		["$.fda.clinical_test.conditions", "the clinical test names no clinical conditions"],
		["$.fda.clinical_test.acceptance_criteria", "the clinical test has no pre-specified acceptance criteria"],
		["$.fda.clinical_test.subgroup_results", "the clinical test reports no subgroup results"],
		["$.fda.clinical_test.ci.level", "the confidence level of the intervals is not recorded"],
	}
}

test_fail_results_below_criteria_and_missing_interval if {
	t := json.patch(_test, [
		{"op": "replace", "path": "/results/sensitivity", "value": 0.88},
		{"op": "remove", "path": "/results/fpr"},
		{"op": "remove", "path": "/ci/intervals/fpr"},
	])
	ds := control.deny with input as _input(t)
	_pairs(ds) == {
		["$.fda.clinical_test.results.sensitivity", "sensitivity is 0.88, which does not meet the criterion >= 0.9"],
		["$.fda.clinical_test.results.fpr", "fpr is not reported, which does not meet the criterion <= 0.2"],
		["$.fda.clinical_test.ci.intervals.fpr", "fpr has no confidence interval"],
	}
}

test_fail_interval_crosses_criterion if {
	t := json.patch(_test, [
		{"op": "replace", "path": "/ci/intervals/sensitivity", "value": {"lower": 0.87, "upper": 0.97}},
		{"op": "replace", "path": "/ci/intervals/fpr", "value": {"lower": 0.05, "upper": 0.25}},
	])
	ds := control.deny with input as _input(t)
	_pairs(ds) == {
		["$.fda.clinical_test.ci.intervals.sensitivity", "the 0.95 confidence interval of sensitivity [0.87, 0.97] is not inside the criterion >= 0.9"],
		["$.fda.clinical_test.ci.intervals.fpr", "the 0.95 confidence interval of fpr [0.05, 0.25] is not inside the criterion <= 0.2"],
	}
}

test_success_interval_not_checked_when_setting_off if {
	t := json.patch(_test, [{"op": "replace", "path": "/ci/intervals/sensitivity", "value": {"lower": 0.87, "upper": 0.97}}])
	ds := control.deny with input as _input(t) with data.gate.config.fda.ci_lower_must_meet_criteria as false
	ds == set()
}

test_fail_subgroup_below_criterion_warns if {
	t := json.patch(_test, [{"op": "replace", "path": "/subgroup_results/0/metrics/sensitivity", "value": 0.85}])
	control.deny == set() with input as _input(t)
	ws := control.warn with input as _input(t)
	_pairs(ws) == {[
		"$.fda.clinical_test.subgroup_results[0].metrics.sensitivity",
		"subgroup age=18-39 has sensitivity 0.85, below the criterion >= 0.9",
	]}
}

test_success_not_applicable_without_device_function if {
	r := control.not_applicable_reason with input as {"bundle": {}}
	r == "the model is not a device software function (fda.device_function is not true)"
}

test_success_metadata if {
	control.control.id == "FDA-GMLP-07"
	control.control.framework == "FDA GMLP / PCCP"
}
