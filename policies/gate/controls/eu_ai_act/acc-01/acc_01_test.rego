package gate.controls.eu_ai_act["acc-01_test"]

import data.gate.controls.eu_ai_act["acc-01"] as control
import data.gate.controls.eu_ai_act.fixtures_test as fx

_paths(vs) := {v.evidence_path | some v in vs}

_staging(b) := fx.policy_input(b, "staging", fx.now)

test_success_as_declared if {
	control.deny == set() with input as fx.at_stage("staging")
}

test_fail_nothing_recorded if {
	_paths(control.deny) == {
		"$.eu_ai_act.ifu.declared_accuracy",
		"$.testing.robustness.uri",
		"$.testing.robustness.pass",
		"$.ops.fallback.mode",
		"$.ops.fallback.tested_at",
	} with input as _staging(fx.without(["/eu_ai_act/ifu", "/testing/robustness", "/ops/fallback"]))
}

test_fail_results_below_declared_and_learning_without_controls if {
	b := json.patch(fx.bundle, [
		{"op": "replace", "path": "/testing/results/gini", "value": 0.5},
		{"op": "replace", "path": "/model/continuous_learning", "value": true},
		{"op": "remove", "path": "/testing/feedback_loop_controls"},
	])
	control.deny == {
		{
			"control_id": "EUAIA-ACC-01", "framework": "EU AI Act", "section": "Art 15(1), (3), (4)", "severity": "high",
			"title": "Accuracy and robustness as declared, with a fail-safe and feedback-loop controls",
			"msg": "tested gini does not confirm the declared level: it is declared as 0.562 but tested at 0.5",
			"remediation": "test the model version being promoted and bring results and declared levels into line",
			"evidence_path": "$.testing.results.gini",
		},
		{
			"control_id": "EUAIA-ACC-01", "framework": "EU AI Act", "section": "Art 15(1), (3), (4)", "severity": "high",
			"title": "Accuracy and robustness as declared, with a fail-safe and feedback-loop controls",
			"msg": "the model keeps learning after deployment but no controls against bias feedback loops are listed",
			"remediation": "list the controls that stop biased outputs from feeding back into training",
			"evidence_path": "$.testing.feedback_loop_controls",
		},
	} with input as _staging(b)
}

test_success_static_model_needs_no_feedback_controls if {
	control.deny == set() with input as _staging(fx.without(["/testing/feedback_loop_controls"]))
}

test_not_applicable_before_date if {
	startswith(control.not_applicable_reason, "not yet in force") with input as fx.policy_input(fx.bundle, "staging", "2026-11-30T12:00:00Z")
}

test_annotation if {
	control.control.id == "EUAIA-ACC-01"
	control.control.framework == "EU AI Act"
	control.control.effective_from == "2027-12-02"
}
