package gate.controls.eu_ai_act["fria-01_test"]

import data.gate.controls.eu_ai_act.fixtures_test as fx
import data.gate.controls.eu_ai_act["fria-01"] as control

_paths(vs) := {v.evidence_path | some v in vs}

_production(b) := fx.policy_input(b, "production", fx.now)

test_success_assessed_and_notified if {
	control.deny == set() with input as fx.at_stage("production")
	control.required_approvals == {{
		"control_id": "EUAIA-FRIA-01",
		"role": "deployer_compliance",
		"count": 1,
		"reason": "the deployer's compliance function signs the fundamental-rights impact assessment",
	}} with input as fx.at_stage("production")
	not control.not_applicable_reason with input as fx.at_stage("production")
}

test_fail_nothing_done if {
	_paths(control.deny) == {
		"$.eu_ai_act.fria.uri",
		"$.eu_ai_act.fria.completed_at",
		"$.eu_ai_act.fria.authority_notified_at",
		"$.eu_ai_act.affected_person_notice_uri",
		"$.eu_ai_act.explanation_process_uri",
	} with input as _production(fx.without(["/eu_ai_act/fria", "/eu_ai_act/affected_person_notice_uri", "/eu_ai_act/explanation_process_uri"]))
}

test_fail_assessment_after_now if {
	control.deny == {{
		"control_id": "EUAIA-FRIA-01", "framework": "EU AI Act", "section": "Art 27(1); Art 26(11); Art 86", "severity": "high",
		"title": "Fundamental-rights impact assessment before first use; notice and explanation route",
		"msg": "the impact assessment is dated 2028-01-01T00:00:00Z, after the gate's evaluation time",
		"remediation": "complete the impact assessment before first use",
		"evidence_path": "$.eu_ai_act.fria.completed_at",
	}} with input as _production(fx.put("/eu_ai_act/fria/completed_at", "2028-01-01T00:00:00Z"))
}

test_not_applicable_provider_only if {
	control.not_applicable_reason == "the firm is the provider only; the impact assessment is a deployer duty" with input as _production(fx.put("/eu_ai_act/role", "provider"))
}

test_not_applicable_other_annex_iii_point if {
	control.not_applicable_reason == "annex_iii_point is 4(a): deployers assess fundamental-rights impact only for 5(b) and 5(c)" with input as _production(fx.put("/eu_ai_act/classification/annex_iii_point", "4(a)"))
}

test_not_applicable_out_of_scope if {
	control.not_applicable_reason == "eu_ai_act.applicable is not true: the model is outside the EU AI Act high-risk regime" with input as _production(fx.put("/eu_ai_act/applicable", false))
}

test_applies_when_role_unstated if {
	not control.not_applicable_reason with input as _production(fx.without(["/eu_ai_act/role"]))
}

test_annotation if {
	control.control.id == "EUAIA-FRIA-01"
	control.control.framework == "EU AI Act"
	control.control.effective_from == "2027-12-02"
}
