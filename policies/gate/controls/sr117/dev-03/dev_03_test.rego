package gate.controls.sr117["dev-03_test"]

import data.gate.controls.sr117["dev-03"] as control
import data.gate.controls.sr117.fixtures_test as fx

test_success_tested_against_criteria if {
	control.deny == set() with input as fx.input_at("merge", fx.bundle)
}

test_fail_no_testing if {
	fx.paths(control.deny) == {
		"$.testing.thresholds",
		"$.testing.results",
		"$.testing.ran_at",
		"$.testing.stress.scenarios",
		"$.testing.robustness.uri",
		"$.testing.robustness.pass",
		"$.testing.results.auc",
		"$.testing.results.gini",
		"$.artifact.digest",
	} with input as fx.input_at("merge", fx.without(["/testing", "/artifact/digest"]))
}

test_fail_results_outside_thresholds if {
	b := json.remove(fx.patched({"testing": {"results": {"auc": 0.70, "brier": 0.2}}}), ["/testing/results/calibration_error"])
	fx.paths(control.deny) == {
		"$.testing.results.auc",
		"$.testing.results.brier",
		"$.testing.results.calibration_error",
	} with input as fx.input_at("merge", b)
}

test_fail_threshold_set_after_tests if {
	b := fx.patched({"testing": {"thresholds": {"auc": {"defined_at": "2026-07-21T00:00:00Z"}}}})
	fx.paths(control.deny) == {"$.testing.thresholds.auc.defined_at"} with input as fx.input_at("merge", b)
}

test_fail_stress_and_robustness_failed if {
	b := fx.patched({"testing": {
		"stress": {"results": {"income_minus_20pct": {"pass": false}}},
		"robustness": {"pass": false},
	}})
	fx.paths(control.deny) == {
		"$.testing.stress.results.income_minus_20pct.pass",
		"$.testing.robustness.pass",
	} with input as fx.input_at("merge", b)
}

test_success_metadata_names_both_guidances if {
	control.control.id == "SR117-DEV-03"
	contains(control.control.section, "SR 11-7")
	contains(control.control.section, "SR 26-2")
}

# A coin-flip model whose bundle lowers its own acceptance criteria to pass.
_coin_flip := fx.patched({"testing": {
	"thresholds": {"auc": {"min": 0.45}, "gini": {"min": -0.1}},
	"results": {"auc": 0.5, "gini": 0.0},
}})

test_fail_coin_flip_with_lowered_thresholds_denied_at_merge if {
	fx.paths(control.deny) == {
		"$.testing.thresholds.auc.min",
		"$.testing.thresholds.gini.min",
		"$.testing.results.auc",
		"$.testing.results.gini",
	} with input as fx.input_at("merge", _coin_flip)
	"auc = 0.5 is below the policy floor 0.6" in {v.msg | some v in control.deny} with input as fx.input_at("merge", _coin_flip)
}

test_fail_floor_metric_needs_a_result_even_without_a_declared_threshold if {
	b := json.remove(fx.bundle, ["/testing/thresholds/gini", "/testing/results/gini"])
	fx.paths(control.deny) == {"$.testing.results.gini"} with input as fx.input_at("merge", b)
}

test_success_floors_are_policy_data if {
	b := fx.patched({"testing": {"results": {"auc": 0.76}}})
	control.deny == set() with input as fx.input_at("merge", b)
	fx.paths(control.deny) == {"$.testing.results.auc", "$.testing.thresholds.auc.min"} with input as fx.input_at("merge", b)
		with data.gate.overrides as {"sr117": {"testing_floors": {"credit": {"auc": {"min": 0.8}}}}}
}

test_fail_unparseable_test_times if {
	b := fx.patched({"testing": {"ran_at": "TBD", "thresholds": {"auc": {"defined_at": "2026-13-45T00:00:00Z"}}}})
	fx.paths(control.deny) == {"$.testing.ran_at", "$.testing.thresholds.auc.defined_at"} with input as fx.input_at("merge", b)
}
