package gate.controls.sr117["val-05_test"]

import data.gate.controls.sr117.fixtures_test as fx
import data.gate.controls.sr117["val-05"] as control

test_success_backtest_passes if {
	control.deny == set() with input as fx.input_at("staging", fx.bundle)
	control.deny == set() with input as fx.input_at("monitoring", fx.bundle)
	control.warn == set() with input as fx.input_at("monitoring", fx.bundle)
}

test_fail_no_backtest if {
	fx.paths(control.deny) == {
		"$.backtest.window",
		"$.backtest.horizon",
		"$.backtest.metrics",
		"$.backtest.thresholds",
		"$.backtest.excluded_from_dev",
		"$.backtest.pass",
		"$.data.split.oot_window",
	} with input as fx.input_at("staging", fx.without(["/backtest", "/data/split"]))
}

test_fail_in_sample_and_failing if {
	b := fx.patched({"backtest": {
		"excluded_from_dev": false,
		"pass": false,
		"window": {"start": "2024-01-01", "end": "2024-06-30"},
		"metrics": {"auc": 0.70, "bad_rate_ratio": 1.2},
	}})
	fx.paths(control.deny) == {
		"$.backtest.excluded_from_dev",
		"$.backtest.pass",
		"$.backtest.window",
		"$.backtest.metrics.auc",
		"$.backtest.metrics.bad_rate_ratio",
	} with input as fx.input_at("staging", b)
}

test_fail_metric_without_value if {
	b := json.remove(fx.bundle, ["/backtest/metrics/gini"])
	fx.paths(control.deny) == {"$.backtest.metrics.gini"} with input as fx.input_at("staging", b)
}

test_fail_monitored_drop_beyond_red if {
	b := fx.patched({"monitoring": {"latest": {"metrics": {"auc": 0.68}}}})
	fx.paths(control.deny) == {"$.monitoring.latest.metrics.auc"} with input as fx.input_at("monitoring", b)
}

test_fail_monitored_drop_amber_warns if {
	b := fx.patched({"monitoring": {"latest": {"metrics": {"auc": 0.73}}}})
	control.deny == set() with input as fx.input_at("monitoring", b)
	fx.paths(control.warn) == {"$.monitoring.latest.metrics.auc"} with input as fx.input_at("monitoring", b)
}

test_success_monitored_drop_not_checked_at_staging if {
	b := fx.patched({"monitoring": {"latest": {"metrics": {"auc": 0.5}}}})
	control.deny == set() with input as fx.input_at("staging", b)
}

test_success_metadata_names_both_guidances if {
	control.control.id == "SR117-VAL-05"
	contains(control.control.section, "SR 11-7")
	contains(control.control.section, "SR 26-2")
}

test_fail_window_ends_after_oot if {
	b := fx.patched({"backtest": {"window": {"start": "2024-07-01", "end": "2025-03-31"}}})
	fx.paths(control.deny) == {"$.backtest.window"} with input as fx.input_at("staging", b)
}

# Where each stage-bound rule fires, written down from the control as it stood when the
# stage moved from the rule's body into the policy data: exactly these stages.
test_success_monitored_drop_checked_exactly_at_monitoring if {
	red := fx.patched({"monitoring": {"latest": {"metrics": {"auc": 0.68}}}})
	amber := fx.patched({"monitoring": {"latest": {"metrics": {"auc": 0.73}}}})
	{stage |
		some stage in ["merge", "staging", "production", "monitoring"]
		found := fx.paths(control.deny) with input as fx.input_at(stage, red)
		"$.monitoring.latest.metrics.auc" in found
	} == {"monitoring"}
	{stage |
		some stage in ["merge", "staging", "production", "monitoring"]
		found := fx.paths(control.warn) with input as fx.input_at(stage, amber)
		"$.monitoring.latest.metrics.auc" in found
	} == {"monitoring"}
}

test_success_backtest_drop_stages_are_policy_data if {
	b := fx.patched({"monitoring": {"latest": {"metrics": {"auc": 0.68}}}})
	found := fx.paths(control.deny) with input as fx.input_at("staging", b)
		with data.gate.overrides as {"sr117": {"backtest_drop_stages": ["staging"]}}
	"$.monitoring.latest.metrics.auc" in found
}
