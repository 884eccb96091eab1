package gate.controls.sr117["val-04_test"]

import data.gate.controls.sr117.fixtures_test as fx
import data.gate.controls.sr117["val-04"] as control

test_success_benchmarked if {
	control.deny == set() with input as fx.input_at("staging", fx.bundle)
}

test_fail_no_benchmark if {
	fx.paths(control.deny) == {
		"$.benchmark.challenger_ids",
		"$.benchmark.metric",
		"$.benchmark.champion_value",
		"$.benchmark.challenger_value",
	} with input as fx.input_at("staging", fx.without(["/benchmark"]))
}

test_fail_underperforms_without_justification if {
	b := json.remove(fx.patched({"benchmark": {"champion_value": 0.74}}), ["/benchmark/justification_uri"])
	fx.paths(control.deny) == {"$.benchmark.justification_uri"} with input as fx.input_at("staging", b)
}

test_fail_lower_is_better_underperforms if {
	b := json.remove(fx.patched({"benchmark": {"higher_is_better": false, "metric": "brier", "champion_value": 0.08, "challenger_value": 0.07}}), ["/benchmark/justification_uri"])
	fx.paths(control.deny) == {"$.benchmark.justification_uri"} with input as fx.input_at("staging", b)
}

test_success_underperforms_with_justification if {
	b := fx.patched({"benchmark": {"champion_value": 0.74}})
	control.deny == set() with input as fx.input_at("staging", b)
}

test_success_metadata_names_both_guidances if {
	control.control.id == "SR117-VAL-04"
	contains(control.control.section, "SR 11-7")
	contains(control.control.section, "SR 26-2")
}
