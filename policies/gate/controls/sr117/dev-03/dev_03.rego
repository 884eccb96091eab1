# METADATA
# title: Developmental testing against acceptance criteria set in advance
# description: |
#   Accuracy is tested against thresholds fixed before the tests ran, every threshold
#   is met, stress scenarios cover the extremes and pass, and robustness testing
#   passed. The tests belong to the artefact being built. Thresholds the developer
#   declares can only tighten the policy's floors (settings sr117.testing_floors.<use
#   case>, from the base branch's policy data): a declared bound looser than its floor is
#   denied, and every result is held to its floor whatever the bundle declares.
# custom:
#   control_id: SR117-DEV-03
#   framework: SR 11-7 / SR 26-2
#   section: SR 11-7 §IV (testing) and §V (conceptual soundness, developmental evidence); SR 26-2 §V
#   severity: high
#   stages: [merge]
#   effective_from_data: [sr117, guidances, "SR 11-7", effective_from]
package gate.controls.sr117["dev-03"]

import data.gate.controls.sr117.lib
import data.gate.lib.dates
import data.gate.lib.result
import data.gate.lib.values

control := result.control(rego.metadata.chain())

_testing := object.get(input.bundle, "testing", {})

_thresholds := object.get(_testing, "thresholds", {})

_results := object.get(_testing, "results", {})

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the testing evidence has no %s", [field]),
	sprintf("$.testing.%s", [field]),
	"record the acceptance thresholds, the results and when the tests ran",
) if {
	some field in values.missing(_testing, ["thresholds", "results", "ran_at"])
}

deny contains result.violation(
	rego.metadata.chain(),
	"the tested artefact has no digest",
	"$.artifact.digest",
	"record the sha256 digest of the artefact the tests ran on",
) if {
	not values.present(object.get(input.bundle, ["artifact", "digest"], ""))
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("no result for metric %s, which has an acceptance threshold", [metric]),
	sprintf("$.testing.results.%s", [metric]),
	"compute every metric that has an acceptance threshold",
) if {
	some metric, _ in _thresholds
	not is_number(object.get(_results, metric, null))
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("%s = %v is below its minimum %v", [metric, _results[metric], spec.min]),
	sprintf("$.testing.results.%s", [metric]),
	"improve the model or record why it cannot meet the criterion; criteria are not relaxed after testing",
) if {
	some metric, spec in _thresholds
	_results[metric] < spec.min
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("%s = %v is above its maximum %v", [metric, _results[metric], spec.max]),
	sprintf("$.testing.results.%s", [metric]),
	"improve the model or record why it cannot meet the criterion; criteria are not relaxed after testing",
) if {
	some metric, spec in _thresholds
	_results[metric] > spec.max
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the threshold for %s was set at %s, after the tests ran at %s", [metric, spec.defined_at, _testing.ran_at]),
	sprintf("$.testing.thresholds.%s.defined_at", [metric]),
	"fix acceptance criteria in a commit before running the tests",
) if {
	some metric, spec in _thresholds
	dates.before(_testing.ran_at, spec.defined_at)
}

deny contains result.violation(
	rego.metadata.chain(),
	"no stress scenarios were run",
	"$.testing.stress.scenarios",
	"run stress scenarios at the extremes of the expected input range",
) if {
	not values.present(object.get(_testing, ["stress", "scenarios"], []))
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("stress scenario %s did not pass or has no result", [scenario]),
	sprintf("$.testing.stress.results.%s.pass", [scenario]),
	"record a passing result for every stress scenario, or address the weakness it found",
) if {
	some scenario in object.get(_testing, ["stress", "scenarios"], [])
	object.get(_testing, ["stress", "results", scenario, "pass"], false) != true
}

deny contains result.violation(
	rego.metadata.chain(),
	"robustness testing has no report",
	"$.testing.robustness.uri",
	"link the robustness test report",
) if {
	not values.present(object.get(_testing, ["robustness", "uri"], ""))
}

deny contains result.violation(
	rego.metadata.chain(),
	"robustness testing did not pass",
	"$.testing.robustness.pass",
	"address the robustness failures and rerun the tests",
) if {
	object.get(_testing, ["robustness", "pass"], false) != true
}

# ------------------------------------------------------------------ policy floors

_floors := object.get(lib.settings.testing_floors, object.get(input.bundle, ["model", "use_case"], ""), {})

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the declared minimum %v for %s is looser than the policy floor %v", [spec.min, metric, floor.min]),
	sprintf("$.testing.thresholds.%s.min", [metric]),
	"declare acceptance criteria at least as strict as the policy's floors; the bundle cannot lower them",
) if {
	some metric, floor in _floors
	spec := _thresholds[metric]
	spec.min < floor.min
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the declared maximum %v for %s is looser than the policy floor %v", [spec.max, metric, floor.max]),
	sprintf("$.testing.thresholds.%s.max", [metric]),
	"declare acceptance criteria at least as strict as the policy's floors; the bundle cannot lower them",
) if {
	some metric, floor in _floors
	spec := _thresholds[metric]
	spec.max > floor.max
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("no result for metric %s, which has a policy floor", [metric]),
	sprintf("$.testing.results.%s", [metric]),
	"compute every metric the policy sets a floor for",
) if {
	some metric, _ in _floors
	not _thresholds[metric]
	not is_number(object.get(_results, metric, null))
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("%s = %v is below the policy floor %v", [metric, _results[metric], floor.min]),
	sprintf("$.testing.results.%s", [metric]),
	"improve the model: the policy's floor applies whatever thresholds the bundle declares",
) if {
	some metric, floor in _floors
	_results[metric] < floor.min
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("%s = %v is above the policy ceiling %v", [metric, _results[metric], floor.max]),
	sprintf("$.testing.results.%s", [metric]),
	"improve the model: the policy's floor applies whatever thresholds the bundle declares",
) if {
	some metric, floor in _floors
	_results[metric] > floor.max
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the threshold for %s has an invalid defined_at time %v", [metric, spec.defined_at]),
	sprintf("$.testing.thresholds.%s.defined_at", [metric]),
	"record when each threshold was fixed as an RFC 3339 time",
) if {
	some metric, spec in _thresholds
	values.present(spec.defined_at)
	dates.invalid_time(spec.defined_at)
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the tests' run time %v is not an RFC 3339 time", [_testing.ran_at]),
	"$.testing.ran_at",
	"record when the tests ran as an RFC 3339 time",
) if {
	values.present(_testing.ran_at)
	dates.invalid_time(_testing.ran_at)
}
