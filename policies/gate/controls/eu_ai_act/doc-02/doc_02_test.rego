package gate.controls.eu_ai_act["doc-02_test"]

import data.gate.controls.eu_ai_act["doc-02"] as control
import data.gate.controls.eu_ai_act.fixtures_test as fx

_paths(vs) := {v.evidence_path | some v in vs}

_staging(b) := fx.policy_input(b, "staging", fx.now)

test_success_signed_reports if {
	control.deny == set() with input as fx.at_stage("staging")
}

test_fail_no_reports if {
	control.deny == {{
		"control_id": "EUAIA-DOC-02", "framework": "EU AI Act", "section": "Annex IV(2)(g)", "severity": "medium",
		"title": "Validation and test reports dated and signed",
		"msg": "no validation or test report is listed",
		"remediation": "list the validation and test reports with their digest, date, signatories and signature",
		"evidence_path": "$.eu_ai_act.test_reports",
	}} with input as _staging(fx.put("/eu_ai_act/test_reports", []))
}

test_fail_unsigned_undated_report if {
	b := fx.put("/eu_ai_act/test_reports/-", {"uri": "reports/extra.pdf", "digest": "md5:abc", "signature": {"format": "gpg", "verified": false}})
	_paths(control.deny) == {
		"$.eu_ai_act.test_reports[1].digest",
		"$.eu_ai_act.test_reports[1].date",
		"$.eu_ai_act.test_reports[1].signed_by",
		"$.eu_ai_act.test_reports[1].signature.verified",
	} with input as _staging(b)
}

test_not_applicable_out_of_scope if {
	control.not_applicable_reason == "eu_ai_act.applicable is not true: the model is outside the EU AI Act high-risk regime" with input as _staging(fx.without(["/eu_ai_act/applicable"]))
}

test_annotation if {
	control.control.id == "EUAIA-DOC-02"
	control.control.framework == "EU AI Act"
	control.control.effective_from == "2027-12-02"
}
