# METADATA
# title: Metrics and thresholds fixed before testing; every result passes
# description: |
#   Each acceptance criterion in testing.thresholds was fixed (defined_at, with the
#   commit) before the test run (testing.ran_at), the run is finished, and every
#   tested result meets its criterion.
# custom:
#   control_id: EUAIA-RMS-02
#   framework: EU AI Act
#   section: Art 9(6)-(8)
#   severity: high
#   stages: [merge, staging]
#   effective_from_data: [eu_ai_act, application_dates, annex_iii]
package gate.controls.eu_ai_act["rms-02"]

import data.gate.controls.eu_ai_act.common
import data.gate.lib.dates
import data.gate.lib.result

control := result.control(rego.metadata.chain())

not_applicable_reason := common.high_risk_reason

_testing := object.get(input.bundle, "testing", {})

_fields := [
	{"path": ["testing", "thresholds"], "kind": "entries", "fix": "pre-register the acceptance criteria (min or max per metric) before testing"},
	{"path": ["testing", "ran_at"], "kind": "time", "fix": "record when the test run happened"},
	{"path": ["testing", "results"], "kind": "entries", "fix": "record the tested value of every metric"},
]

deny contains result.violation(rego.metadata.chain(), common.gap_msg(f), common.json_path(f.path), f.fix) if {
	some f in _fields
	common.lacks(f.path, f.kind)
}

_threshold_fields := [
	{"key": "defined_at", "kind": "time", "fix": "record when the criterion was fixed"},
	{"key": "defined_in_commit", "kind": "text", "fix": "record the commit that first contained the criterion"},
]

deny contains result.violation(rego.metadata.chain(), common.gap_msg(g), common.json_path(g.path), f.fix) if {
	some metric, _ in _testing.thresholds
	some f in _threshold_fields
	g := {"path": ["testing", "thresholds", metric, f.key], "kind": f.kind}
	common.lacks(g.path, g.kind)
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the %s criterion was fixed at %s, not before the test run at %s", [metric, spec.defined_at, _testing.ran_at]),
	sprintf("$.testing.thresholds.%s.defined_at", [metric]),
	"fix metrics and thresholds before testing, then re-run the tests",
) if {
	some metric, spec in _testing.thresholds
	time.parse_rfc3339_ns(spec.defined_at) >= time.parse_rfc3339_ns(_testing.ran_at)
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the test run is dated %s, after the gate's evaluation time", [_testing.ran_at]),
	"$.testing.ran_at",
	"finish testing before the system is placed on the market, and record the real run time",
) if {
	dates.is_time(_testing.ran_at)
	not dates.in_past(_testing.ran_at)
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("metric %s has a pre-registered criterion but no tested result", [metric]),
	sprintf("$.testing.results.%s", [metric]),
	"run the test for every pre-registered metric and record the result",
) if {
	some metric, _ in _testing.thresholds
	not is_number(object.get(_testing, ["results", metric], null))
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("metric %s tested at %v, below the minimum %v", [metric, value, spec.min]),
	sprintf("$.testing.results.%s", [metric]),
	"improve the model until it meets the pre-registered criterion; do not move the threshold after testing",
) if {
	some metric, spec in _testing.thresholds
	value := _testing.results[metric]
	value < spec.min
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("metric %s tested at %v, above the maximum %v", [metric, value, spec.max]),
	sprintf("$.testing.results.%s", [metric]),
	"improve the model until it meets the pre-registered criterion; do not move the threshold after testing",
) if {
	some metric, spec in _testing.thresholds
	value := _testing.results[metric]
	value > spec.max
}
