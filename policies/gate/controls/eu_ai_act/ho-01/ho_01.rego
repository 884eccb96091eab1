# METADATA
# title: Effective human oversight with trained, named overseers
# description: |
#   Users can override or disregard an output, a stop mechanism was tested, measures
#   against automation bias and tools to interpret outputs exist, and the deployer
#   names overseers who have completed their training.
# custom:
#   control_id: EUAIA-HO-01
#   framework: EU AI Act
#   section: Art 14(1)-(4)(a)-(e); Art 26(2)
#   severity: high
#   stages: [staging, production]
#   effective_from_data: [eu_ai_act, application_dates, annex_iii]
package gate.controls.eu_ai_act["ho-01"]

import data.gate.controls.eu_ai_act.common
import data.gate.lib.dates
import data.gate.lib.result

control := result.control(rego.metadata.chain())

not_applicable_reason := common.high_risk_reason

_ho := ["eu_ai_act", "human_oversight"]

_fields := [
	{"path": array.concat(_ho, ["override_enabled"]), "kind": "true", "fix": "let users override the output and set override_enabled"},
	{"path": array.concat(_ho, ["disregard_path"]), "kind": "text", "fix": "describe how a user disregards an output"},
	{"path": array.concat(_ho, ["stop_mechanism_tested_at"]), "kind": "time", "fix": "test the stop mechanism (safe halt) and record when"},
	{"path": array.concat(_ho, ["automation_bias_measures"]), "kind": "items", "fix": "list the measures that warn users against automation bias"},
	{"path": array.concat(_ho, ["interpretation_tools"]), "kind": "items", "fix": "list the tools that help users interpret outputs"},
	{"path": array.concat(_ho, ["assigned_overseers"]), "kind": "items", "fix": "name the people assigned to oversee the system"},
]

deny contains result.violation(rego.metadata.chain(), common.gap_msg(f), common.json_path(f.path), f.fix) if {
	some f in _fields
	common.lacks(f.path, f.kind)
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the stop mechanism test is dated %s, after the gate's evaluation time", [tested]),
	"$.eu_ai_act.human_oversight.stop_mechanism_tested_at",
	"record the time the stop mechanism was actually tested",
) if {
	tested := common.eu.human_oversight.stop_mechanism_tested_at
	dates.is_time(tested)
	not dates.in_past(tested)
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("overseer %v has not completed training", [object.get(overseer, "id", i)]),
	sprintf("$.eu_ai_act.human_oversight.assigned_overseers[%d].training_completed_at", [i]),
	"train the overseer before assigning them, and record when the training ended",
) if {
	some i, overseer in common.eu.human_oversight.assigned_overseers
	not _trained(object.get(overseer, "training_completed_at", null))
}

_trained(at) if {
	dates.is_time(at)
	dates.in_past(at)
}
