package gate.controls.eu_ai_act["rms-01_test"]

import data.gate.controls.eu_ai_act.fixtures_test as fx
import data.gate.controls.eu_ai_act["rms-01"] as control

_paths(vs) := {v.evidence_path | some v in vs}

_staging(b) := fx.policy_input(b, "staging", fx.now)

test_success_complete_file if {
	control.deny == set() with input as fx.at_stage("staging")
	not control.not_applicable_reason with input as fx.at_stage("staging")
}

test_fail_no_file if {
	_paths(control.deny) == {
		"$.eu_ai_act.risk_management.file_uri",
		"$.eu_ai_act.risk_management.version",
		"$.eu_ai_act.risk_management.model_version",
		"$.eu_ai_act.risk_management.misuse_scenarios",
		"$.eu_ai_act.risk_management.mitigations",
		"$.eu_ai_act.risk_management.vulnerable_groups_considered",
		"$.eu_ai_act.risk_management.residual_risk_acceptance.approver_id",
		"$.eu_ai_act.risk_management.residual_risk_acceptance.date",
	} with input as _staging(fx.without(["/eu_ai_act/risk_management"]))
}

test_fail_stale_version_bad_order_and_developer_acceptance if {
	b := json.patch(fx.bundle, [
		{"op": "replace", "path": "/eu_ai_act/risk_management/model_version", "value": "2.4.1"},
		{"op": "replace", "path": "/eu_ai_act/risk_management/mitigations/0/type", "value": "information"},
		{"op": "replace", "path": "/eu_ai_act/risk_management/residual_risk_acceptance/approver_id", "value": "dana-dev"},
	])
	control.deny == {
		{
			"control_id": "EUAIA-RMS-01",
			"framework": "EU AI Act",
			"section": "Art 9(1)-(5), (9)",
			"severity": "high",
			"title": "Lifecycle risk-management file with prioritised mitigations",
			"msg": "the risk-management file covers model version 2.4.1, not 3.0.0",
			"remediation": "update the risk-management file for the model version being promoted",
			"evidence_path": "$.eu_ai_act.risk_management.model_version",
		},
		{
			"control_id": "EUAIA-RMS-01",
			"framework": "EU AI Act",
			"section": "Art 9(1)-(5), (9)",
			"severity": "high",
			"title": "Lifecycle risk-management file with prioritised mitigations",
			"msg": "mitigation 1 (control) is listed after a mitigation of a lower priority",
			"remediation": "order mitigations by priority: design measures first, then controls, then information to users",
			"evidence_path": "$.eu_ai_act.risk_management.mitigations[1].type",
		},
		{
			"control_id": "EUAIA-RMS-01",
			"framework": "EU AI Act",
			"section": "Art 9(1)-(5), (9)",
			"severity": "high",
			"title": "Lifecycle risk-management file with prioritised mitigations",
			"msg": "the residual risk was accepted by dana-dev, one of the model's developers",
			"remediation": "have someone independent of the development (for example the model owner) accept the residual risk",
			"evidence_path": "$.eu_ai_act.risk_management.residual_risk_acceptance.approver_id",
		},
	} with input as _staging(b)
}

test_not_applicable_when_not_high_risk if {
	b := fx.put("/eu_ai_act/classification/high_risk", false)
	control.not_applicable_reason == "the classification record says the system is not high-risk (Art 6(3) derogation or no Annex I/III ground)" with input as _staging(b)
}

test_annotation if {
	control.control.id == "EUAIA-RMS-01"
	control.control.framework == "EU AI Act"
	control.control.effective_from == "2027-12-02"
}
