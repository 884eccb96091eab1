# METADATA
# title: Lifecycle risk-management file with prioritised mitigations
# description: |
#   The Art 9 risk-management file covers this model version, lists reasonably
#   foreseeable misuse, records mitigations in priority order (design, then controls,
#   then information), considers minors and other vulnerable groups, and records who
#   accepted the residual risk and when; that person is not one of the developers.
# custom:
#   control_id: EUAIA-RMS-01
#   framework: EU AI Act
#   section: Art 9(1)-(5), (9)
#   severity: high
#   stages: [staging]
#   effective_from_data: [eu_ai_act, application_dates, annex_iii]
package gate.controls.eu_ai_act["rms-01"]

import data.gate.controls.eu_ai_act.common
import data.gate.lib.result
import data.gate.lib.values

control := result.control(rego.metadata.chain())

not_applicable_reason := common.high_risk_reason

_rm := ["eu_ai_act", "risk_management"]

_fields := [
	{"path": array.concat(_rm, ["file_uri"]), "kind": "text", "fix": "link the Art 9 risk-management file"},
	{"path": array.concat(_rm, ["version"]), "kind": "text", "fix": "record the version of the risk-management file"},
	{"path": array.concat(_rm, ["model_version"]), "kind": "text", "fix": "record the model version the risk-management file covers"},
	{"path": array.concat(_rm, ["misuse_scenarios"]), "kind": "items", "fix": "list the reasonably foreseeable misuse scenarios considered"},
	{"path": array.concat(_rm, ["mitigations"]), "kind": "items", "fix": "list the mitigations with the risk each addresses and its type"},
	{"path": array.concat(_rm, ["vulnerable_groups_considered"]), "kind": "true", "fix": "assess the impact on minors and other vulnerable groups and set the flag"},
	{"path": array.concat(_rm, ["residual_risk_acceptance", "approver_id"]), "kind": "text", "fix": "record who accepted the residual risk"},
	{"path": array.concat(_rm, ["residual_risk_acceptance", "date"]), "kind": "date", "fix": "record the date the residual risk was accepted"},
]

deny contains result.violation(rego.metadata.chain(), common.gap_msg(f), common.json_path(f.path), f.fix) if {
	some f in _fields
	common.lacks(f.path, f.kind)
}

_file := object.get(common.eu, "risk_management", {})

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the risk-management file covers model version %s, not %s", [_file.model_version, _model_version]),
	"$.eu_ai_act.risk_management.model_version",
	"update the risk-management file for the model version being promoted",
) if {
	_model_version := object.get(input.bundle, ["model", "version"], "")
	values.text(_file.model_version)
	_file.model_version != _model_version
}

_rank := {"design": 1, "control": 2, "information": 3}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("mitigation %d (%s) is listed after a mitigation of a lower priority", [j, _file.mitigations[j].type]),
	sprintf("$.eu_ai_act.risk_management.mitigations[%d].type", [j]),
	"order mitigations by priority: design measures first, then controls, then information to users",
) if {
	some i, earlier in _file.mitigations
	some j, later in _file.mitigations
	i < j
	_rank[earlier.type] > _rank[later.type]
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the residual risk was accepted by %s, one of the model's developers", [_approver]),
	"$.eu_ai_act.risk_management.residual_risk_acceptance.approver_id",
	"have someone independent of the development (for example the model owner) accept the residual risk",
) if {
	_approver := _file.residual_risk_acceptance.approver_id
	_approver in object.get(input.bundle, ["inventory", "developer_ids"], [])
}
