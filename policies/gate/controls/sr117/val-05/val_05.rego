# METADATA
# title: Outcomes analysis and back-testing
# description: |
#   Predictions are compared with realised outcomes on an out-of-time window that was
#   not used in development, at the model's forecast horizon, against thresholds set in
#   advance, and the back-test passes. At the stages of settings
#   sr117.backtest_drop_stages (monitoring) the latest monitored
#   metrics are also compared with the validated ones: a relative drop beyond the
#   tier's red band (settings sr117.tiers.<tier>.backtest_tolerance) is a violation,
#   beyond amber a warning.
# custom:
#   control_id: SR117-VAL-05
#   framework: SR 11-7 / SR 26-2
#   section: SR 11-7 §V key element 3 (outcomes analysis, back-testing); SR 26-2 §V
#   severity: high
#   stages: [staging, monitoring]
#   effective_from_data: [sr117, guidances, "SR 11-7", effective_from]
package gate.controls.sr117["val-05"]

import data.gate.controls.sr117.lib
import data.gate.lib.result
import data.gate.lib.values

control := result.control(rego.metadata.chain())

_backtest := object.get(input.bundle, "backtest", {})

_oot := object.get(input.bundle, ["data", "split", "oot_window"], {})

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the back-test has no %s", [field]),
	sprintf("$.backtest.%s", [field]),
	"back-test the model on an out-of-time window at its forecast horizon and record window, horizon, metrics and thresholds",
) if {
	some field in values.missing(_backtest, ["window", "horizon", "metrics", "thresholds"])
}

deny contains result.violation(
	rego.metadata.chain(),
	"the back-test window is not declared as excluded from development",
	"$.backtest.excluded_from_dev",
	"back-test on data the model was not developed on, and declare it",
) if {
	object.get(_backtest, "excluded_from_dev", false) != true
}

deny contains result.violation(
	rego.metadata.chain(),
	"the back-test did not pass",
	"$.backtest.pass",
	"investigate the outcome gap; redevelop, recalibrate or restrict the model",
) if {
	object.get(_backtest, "pass", false) != true
}

deny contains result.violation(
	rego.metadata.chain(),
	"no out-of-time window is declared for the data split",
	"$.data.split.oot_window",
	"declare the out-of-time window held back from development",
) if {
	not values.present(_oot)
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the back-test window %s..%s lies outside the out-of-time window %s..%s", [_backtest.window.start, _backtest.window.end, _oot.start, _oot.end]),
	"$.backtest.window",
	"back-test only on the out-of-time window held back from development",
) if {
	_outside_oot
}

_outside_oot if _backtest.window.start < _oot.start

_outside_oot if _backtest.window.end > _oot.end

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("back-test metric %s, which has a threshold, has no value", [metric]),
	sprintf("$.backtest.metrics.%s", [metric]),
	"compute every back-test metric that has a threshold",
) if {
	some metric, _ in object.get(_backtest, "thresholds", {})
	not is_number(object.get(_backtest, ["metrics", metric], null))
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("back-test %s = %v is outside its threshold %v", [metric, _backtest.metrics[metric], bound]),
	sprintf("$.backtest.metrics.%s", [metric]),
	"investigate the outcome gap; redevelop, recalibrate or restrict the model",
) if {
	some metric, bound in object.get(_backtest, "thresholds", {})
	_out_of_bound(_backtest.metrics[metric], bound)
}

_out_of_bound(value, bound) if value < bound.min

_out_of_bound(value, bound) if value > bound.max

# ---------------------------------------------------------------- monitoring

# Relative drop of each monitored metric against the validated value.
_drops[metric] := (validated - latest) / validated if {
	input.stage in lib.settings.backtest_drop_stages
	some metric in object.get(lib.tier, "backtest_drop_metrics", [])
	validated := input.bundle.validation.metrics.overall[metric]
	latest := input.bundle.monitoring.latest.metrics[metric]
	validated > 0
}

_band := object.get(lib.tier, "backtest_tolerance", {"amber": 0, "red": 0})

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("%s has dropped %v%% below its validated value (red band %v%%)", [metric, _pct(drop), _pct(_band.red)]),
	sprintf("$.monitoring.latest.metrics.%s", [metric]),
	"open a model review: recalibrate, redevelop or restrict the model",
) if {
	some metric, drop in _drops
	drop > _band.red
}

warn contains result.violation(
	rego.metadata.chain(),
	sprintf("%s has dropped %v%% below its validated value (amber band %v%%)", [metric, _pct(drop), _pct(_band.amber)]),
	sprintf("$.monitoring.latest.metrics.%s", [metric]),
	"watch the metric and prepare a review if the drop persists",
) if {
	some metric, drop in _drops
	drop > _band.amber
	drop <= _band.red
}

# _pct renders a fraction as a percentage with one decimal (sprintf's %f rejects integers).
_pct(x) := round(x * 1000) / 10
