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
