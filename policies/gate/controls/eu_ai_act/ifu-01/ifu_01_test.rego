package gate.controls.eu_ai_act["ifu-01_test"]

import data.gate.controls.eu_ai_act.fixtures_test as fx
import data.gate.controls.eu_ai_act["ifu-01"] as control

_paths(vs) := {v.evidence_path | some v in vs}

_production(b) := fx.policy_input(b, "production", fx.now)

test_success_complete_instructions if {
	control.deny == set() with input as fx.at_stage("production")
}

test_fail_no_instructions if {
	_paths(control.deny) == {
		"$.eu_ai_act.ifu.sections.a", "$.eu_ai_act.ifu.sections.b_i", "$.eu_ai_act.ifu.sections.b_ii",
		"$.eu_ai_act.ifu.sections.b_iii", "$.eu_ai_act.ifu.sections.b_iv", "$.eu_ai_act.ifu.sections.b_v",
		"$.eu_ai_act.ifu.sections.b_vi", "$.eu_ai_act.ifu.sections.b_vii", "$.eu_ai_act.ifu.sections.c",
		"$.eu_ai_act.ifu.sections.d", "$.eu_ai_act.ifu.sections.e", "$.eu_ai_act.ifu.sections.f",
		"$.eu_ai_act.ifu.uri", "$.eu_ai_act.ifu.declared_accuracy",
	} with input as _production(fx.without(["/eu_ai_act/ifu"]))
}

test_fail_declared_accuracy_not_tested if {
	b := json.patch(fx.bundle, [
		{"op": "replace", "path": "/eu_ai_act/ifu/declared_accuracy/auc", "value": 0.81},
		{"op": "add", "path": "/eu_ai_act/ifu/declared_accuracy/f1", "value": 0.7},
	])
	control.deny == {
		{
			"control_id": "EUAIA-IFU-01", "framework": "EU AI Act", "section": "Art 13(2)-(3)(a)-(f); Art 15(3)", "severity": "high",
			"title": "Instructions for use cover Art 13(3) and declare the tested accuracy",
			"msg": "declared accuracy auc is declared as 0.81 but tested at 0.781",
			"remediation": "declare in the instructions for use the accuracy the tests actually measured",
			"evidence_path": "$.eu_ai_act.ifu.declared_accuracy.auc",
		},
		{
			"control_id": "EUAIA-IFU-01", "framework": "EU AI Act", "section": "Art 13(2)-(3)(a)-(f); Art 15(3)", "severity": "high",
			"title": "Instructions for use cover Art 13(3) and declare the tested accuracy",
			"msg": "declared accuracy f1 has no tested result",
			"remediation": "declare in the instructions for use the accuracy the tests actually measured",
			"evidence_path": "$.eu_ai_act.ifu.declared_accuracy.f1",
		},
	} with input as _production(b)
}

test_success_within_tolerance if {
	control.deny == set() with input as _production(fx.put("/eu_ai_act/ifu/declared_accuracy/auc", 0.78))
}

test_not_applicable_out_of_scope if {
	control.not_applicable_reason == "eu_ai_act.applicable is not true: the model is outside the EU AI Act high-risk regime" with input as _production(fx.put("/eu_ai_act/applicable", false))
}

test_annotation if {
	control.control.id == "EUAIA-IFU-01"
	control.control.framework == "EU AI Act"
	control.control.effective_from == "2027-12-02"
}
