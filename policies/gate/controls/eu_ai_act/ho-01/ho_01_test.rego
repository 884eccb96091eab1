package gate.controls.eu_ai_act["ho-01_test"]

import data.gate.controls.eu_ai_act.fixtures_test as fx
import data.gate.controls.eu_ai_act["ho-01"] as control

_paths(vs) := {v.evidence_path | some v in vs}

_staging(b) := fx.policy_input(b, "staging", fx.now)

test_success_oversight_in_place if {
	control.deny == set() with input as fx.at_stage("staging")
	control.deny == set() with input as fx.at_stage("production")
}

test_fail_no_oversight if {
	_paths(control.deny) == {
		"$.eu_ai_act.human_oversight.override_enabled",
		"$.eu_ai_act.human_oversight.disregard_path",
		"$.eu_ai_act.human_oversight.stop_mechanism_tested_at",
		"$.eu_ai_act.human_oversight.automation_bias_measures",
		"$.eu_ai_act.human_oversight.interpretation_tools",
		"$.eu_ai_act.human_oversight.assigned_overseers",
	} with input as _staging(fx.without(["/eu_ai_act/human_oversight"]))
}

test_fail_untrained_overseer_and_future_stop_test if {
	b := json.patch(fx.bundle, [
		{"op": "add", "path": "/eu_ai_act/human_oversight/assigned_overseers/-", "value": {"id": "nina-new"}},
		{"op": "replace", "path": "/eu_ai_act/human_oversight/stop_mechanism_tested_at", "value": "2028-02-01T00:00:00Z"},
	])
	control.deny == {
		{
			"control_id": "EUAIA-HO-01", "framework": "EU AI Act", "section": "Art 14(1)-(4)(a)-(e); Art 26(2)", "severity": "high",
			"title": "Effective human oversight with trained, named overseers",
			"msg": "overseer nina-new has not completed training",
			"remediation": "train the overseer before assigning them, and record when the training ended",
			"evidence_path": "$.eu_ai_act.human_oversight.assigned_overseers[2].training_completed_at",
		},
		{
			"control_id": "EUAIA-HO-01", "framework": "EU AI Act", "section": "Art 14(1)-(4)(a)-(e); Art 26(2)", "severity": "high",
			"title": "Effective human oversight with trained, named overseers",
			"msg": "the stop mechanism test is dated 2028-02-01T00:00:00Z, after the gate's evaluation time",
			"remediation": "record the time the stop mechanism was actually tested",
			"evidence_path": "$.eu_ai_act.human_oversight.stop_mechanism_tested_at",
		},
	} with input as _staging(b)
}

test_not_applicable_out_of_scope if {
	control.not_applicable_reason == "eu_ai_act.applicable is not true: the model is outside the EU AI Act high-risk regime" with input as _staging(fx.put("/eu_ai_act/applicable", false))
}

test_annotation if {
	control.control.id == "EUAIA-HO-01"
	control.control.framework == "EU AI Act"
	control.control.effective_from == "2027-12-02"
}
