package gate.controls.eu_ai_act["doc-01_test"]

import data.gate.controls.eu_ai_act["doc-01"] as control
import data.gate.controls.eu_ai_act.fixtures_test as fx

_paths(vs) := {v.evidence_path | some v in vs}

_staging(b) := fx.policy_input(b, "staging", fx.now)

test_success_complete_documentation if {
	control.deny == set() with input as fx.at_stage("staging")
	control.deny == set() with input as fx.at_stage("production")
}

test_fail_no_documentation if {
	_paths(control.deny) == {
		"$.eu_ai_act.annex_iv.section_1.uri", "$.eu_ai_act.annex_iv.section_2.uri",
		"$.eu_ai_act.annex_iv.section_3.uri", "$.eu_ai_act.annex_iv.section_4.uri",
		"$.eu_ai_act.annex_iv.section_5.uri", "$.eu_ai_act.annex_iv.section_6.uri",
		"$.eu_ai_act.annex_iv.section_7.uri", "$.eu_ai_act.annex_iv.section_8.uri",
		"$.eu_ai_act.annex_iv.section_9.uri", "$.eu_ai_act.annex_iv.model_version",
		"$.eu_ai_act.annex_iv.updated_at", "$.eu_ai_act.retention.docs_years",
	} with input as _staging(fx.without(["/eu_ai_act/annex_iv", "/eu_ai_act/retention"]))
}

test_fail_stale_and_short_retention if {
	b := json.patch(fx.bundle, [
		{"op": "replace", "path": "/eu_ai_act/annex_iv/model_version", "value": "2.4.1"},
		{"op": "replace", "path": "/eu_ai_act/retention/docs_years", "value": 5},
		{"op": "remove", "path": "/eu_ai_act/annex_iv/section_7"},
	])
	control.deny == {
		{
			"control_id": "EUAIA-DOC-01", "framework": "EU AI Act", "section": "Art 11(1), Annex IV(1)-(9); Art 18", "severity": "high",
			"title": "Annex IV technical documentation complete, current and retained 10 years",
			"msg": "the technical documentation describes model version 2.4.1, not 3.0.0",
			"remediation": "update the Annex IV documentation for the model version being promoted",
			"evidence_path": "$.eu_ai_act.annex_iv.model_version",
		},
		{
			"control_id": "EUAIA-DOC-01", "framework": "EU AI Act", "section": "Art 11(1), Annex IV(1)-(9); Art 18", "severity": "high",
			"title": "Annex IV technical documentation complete, current and retained 10 years",
			"msg": "the documentation is kept 5 years, less than 10",
			"remediation": "keep the technical documentation for at least the required retention period after market placement",
			"evidence_path": "$.eu_ai_act.retention.docs_years",
		},
		{
			"control_id": "EUAIA-DOC-01", "framework": "EU AI Act", "section": "Art 11(1), Annex IV(1)-(9); Art 18", "severity": "high",
			"title": "Annex IV technical documentation complete, current and retained 10 years",
			"msg": "$.eu_ai_act.annex_iv.section_7.uri is missing or empty",
			"remediation": "document Annex IV heading 7 and link it",
			"evidence_path": "$.eu_ai_act.annex_iv.section_7.uri",
		},
	} with input as _staging(b)
}

test_not_applicable_when_fraud_excluded if {
	b := json.patch(fx.bundle, [
		{"op": "replace", "path": "/eu_ai_act/classification/high_risk", "value": false},
		{"op": "replace", "path": "/eu_ai_act/classification/fraud_exception_claimed", "value": true},
	])
	control.not_applicable_reason == "the classification record says the system is not high-risk (fraud exclusion claimed)" with input as _staging(b)
}

test_annotation if {
	control.control.id == "EUAIA-DOC-01"
	control.control.framework == "EU AI Act"
	control.control.effective_from == "2027-12-02"
}
