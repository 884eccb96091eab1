# METADATA
# title: Benchmarked against an alternative
# description: |
#   The model is compared, on a named metric, with at least one challenger, prior
#   champion or external benchmark. Where it does worse than the alternative, the
#   justification for using it anyway is recorded.
# custom:
#   control_id: SR117-VAL-04
#   framework: SR 11-7 / SR 26-2
#   section: SR 11-7 §V key element 2 (benchmarking; comparison to alternatives); SR 26-2 §V
#   severity: medium
#   stages: [staging]
#   effective_from_data: [sr117, guidances, "SR 11-7", effective_from]
package gate.controls.sr117["val-04"]

import data.gate.lib.result
import data.gate.lib.values

control := result.control(rego.metadata.chain())

_benchmark := object.get(input.bundle, "benchmark", {})

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the benchmark has no %s", [field]),
	sprintf("$.benchmark.%s", [field]),
	"compare the model with a challenger, the prior champion or an external benchmark, and record the values",
) if {
	some field in values.missing(_benchmark, ["challenger_ids", "metric", "champion_value", "challenger_value"])
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the model does worse than its benchmark on %s (%v against %v) and no justification is recorded", [_benchmark.metric, _benchmark.champion_value, _benchmark.challenger_value]),
	"$.benchmark.justification_uri",
	"record why the model is preferred although the alternative does better",
) if {
	_underperforms
	not values.present(object.get(_benchmark, "justification_uri", ""))
}

_underperforms if {
	object.get(_benchmark, "higher_is_better", true) == true
	_benchmark.champion_value < _benchmark.challenger_value
}

_underperforms if {
	_benchmark.higher_is_better == false
	_benchmark.champion_value > _benchmark.challenger_value
}
