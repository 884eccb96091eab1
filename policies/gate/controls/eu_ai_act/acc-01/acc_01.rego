# METADATA
# title: Accuracy and robustness as declared, with a fail-safe and feedback-loop controls
# description: |
#   The tested results confirm the accuracy declared to users, robustness testing
#   passed, a fallback mode exists and was tested, and a system that keeps learning
#   after deployment controls bias feedback loops.
# custom:
#   control_id: EUAIA-ACC-01
#   framework: EU AI Act
#   section: Art 15(1), (3), (4)
#   severity: high
#   stages: [staging]
#   effective_from_data: [eu_ai_act, application_dates, annex_iii]
package gate.controls.eu_ai_act["acc-01"]

import data.gate.controls.eu_ai_act.common
import data.gate.lib.result

control := result.control(rego.metadata.chain())

not_applicable_reason := common.high_risk_reason

_fields := [
	{"path": ["eu_ai_act", "ifu", "declared_accuracy"], "kind": "entries", "fix": "declare the accuracy levels the system is expected to meet"},
	{"path": ["testing", "robustness", "uri"], "kind": "text", "fix": "link the robustness test report"},
	{"path": ["testing", "robustness", "pass"], "kind": "true", "fix": "make the model meet its robustness criteria (noise, missing and out-of-range inputs)"},
	{"path": ["ops", "fallback", "mode"], "kind": "text", "fix": "define the fail-safe behaviour when the model errs or is unavailable"},
	{"path": ["ops", "fallback", "tested_at"], "kind": "time", "fix": "test the fallback and record when"},
]

deny contains result.violation(rego.metadata.chain(), common.gap_msg(f), common.json_path(f.path), f.fix) if {
	some f in _fields
	common.lacks(f.path, f.kind)
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("tested %s does not confirm the declared level: it %s", [metric, reason]),
	sprintf("$.testing.results.%s", [metric]),
	"test the model version being promoted and bring results and declared levels into line",
) if {
	some metric, reason in common.accuracy_gaps
}

deny contains result.violation(
	rego.metadata.chain(),
	"the model keeps learning after deployment but no controls against bias feedback loops are listed",
	"$.testing.feedback_loop_controls",
	"list the controls that stop biased outputs from feeding back into training",
) if {
	input.bundle.model.continuous_learning == true
	common.lacks(["testing", "feedback_loop_controls"], "items")
}
