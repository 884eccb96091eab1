package gate.controls.eu_ai_act["ca-01_test"]

import data.gate.controls.eu_ai_act["ca-01"] as control
import data.gate.controls.eu_ai_act.fixtures_test as fx

_paths(vs) := {v.evidence_path | some v in vs}

_production(b) := fx.policy_input(b, "production", fx.now)

test_success_assessed_and_registered if {
	control.deny == set() with input as fx.at_stage("production")
}

test_fail_nothing_done if {
	_paths(control.deny) == {
		"$.eu_ai_act.conformity.procedure",
		"$.eu_ai_act.conformity.completed_at",
		"$.eu_ai_act.conformity.doc_uri",
		"$.eu_ai_act.conformity.doc_signed_by",
		"$.eu_ai_act.conformity.doc_signed_at",
		"$.eu_ai_act.conformity.ce_marking",
		"$.eu_ai_act.conformity.eu_db_registration_id",
	} with input as _production(fx.without(["/eu_ai_act/conformity"]))
}

test_fail_wrong_procedure_and_order if {
	b := json.patch(fx.bundle, [
		{"op": "replace", "path": "/eu_ai_act/conformity/procedure", "value": "annex_vii"},
		{"op": "replace", "path": "/eu_ai_act/conformity/doc_signed_at", "value": "2026-11-01T00:00:00Z"},
	])
	control.deny == {
		{
			"control_id": "EUAIA-CA-01", "framework": "EU AI Act", "section": "Art 43(2), Annex VI; Art 47; Art 48; Art 49(1); Art 16", "severity": "critical",
			"title": "Conformity assessed, declaration signed, CE marked and registered",
			"msg": "Annex III point 5(b) systems follow internal control (annex_vi), not annex_vii",
			"remediation": "carry out the conformity assessment based on internal control (Annex VI)",
			"evidence_path": "$.eu_ai_act.conformity.procedure",
		},
		{
			"control_id": "EUAIA-CA-01", "framework": "EU AI Act", "section": "Art 43(2), Annex VI; Art 47; Art 48; Art 49(1); Art 16", "severity": "critical",
			"title": "Conformity assessed, declaration signed, CE marked and registered",
			"msg": "the declaration of conformity was signed before the conformity assessment completed",
			"remediation": "sign the declaration of conformity once the assessment is complete",
			"evidence_path": "$.eu_ai_act.conformity.doc_signed_at",
		},
	} with input as _production(b)
}

test_fail_assessment_in_the_future if {
	b := json.patch(fx.bundle, [
		{"op": "replace", "path": "/eu_ai_act/conformity/completed_at", "value": "2028-01-01T00:00:00Z"},
		{"op": "replace", "path": "/eu_ai_act/conformity/doc_signed_at", "value": "2028-01-02T00:00:00Z"},
	])
	_paths(control.deny) == {"$.eu_ai_act.conformity.completed_at"} with input as _production(b)
}

test_success_annex_i_system_needs_no_eu_database_entry if {
	b := json.patch(fx.bundle, [
		{"op": "replace", "path": "/eu_ai_act/classification/annex_iii_point", "value": "none"},
		{"op": "replace", "path": "/eu_ai_act/conformity/procedure", "value": "annex_vii"},
		{"op": "remove", "path": "/eu_ai_act/conformity/eu_db_registration_id"},
	])
	control.deny == set() with input as fx.policy_input(b, "production", "2028-09-01T00:00:00Z")
}

test_not_applicable_out_of_scope if {
	control.not_applicable_reason == "eu_ai_act.applicable is not true: the model is outside the EU AI Act high-risk regime" with input as _production(fx.put("/eu_ai_act/applicable", false))
}

test_annotation if {
	control.control.id == "EUAIA-CA-01"
	control.control.framework == "EU AI Act"
	control.control.effective_from == "2027-12-02"
}
