package gate.controls.eu_ai_act["qms-01_test"]

import data.gate.controls.eu_ai_act.fixtures_test as fx
import data.gate.controls.eu_ai_act["qms-01"] as control

_merge(b) := fx.policy_input(b, "merge", fx.now)

test_success_qms_referenced if {
	control.deny == set() with input as fx.at_stage("merge")
}

test_fail_no_qms_and_no_change_id if {
	{v.evidence_path | some v in control.deny} == {
		"$.eu_ai_act.qms.ref",
		"$.eu_ai_act.qms.modification_procedure_version",
		"$.eu_ai_act.qms.test_procedure_version",
		"$.change.id",
	} with input as _merge(fx.without(["/eu_ai_act/qms", "/change/id"]))
}

test_fail_test_procedure_missing if {
	control.deny == {{
		"control_id": "EUAIA-QMS-01", "framework": "EU AI Act", "section": "Art 17(1)(a)-(d), (k), (m); Art 17(4)", "severity": "medium",
		"title": "Change follows the documented quality management system",
		"msg": "$.eu_ai_act.qms.test_procedure_version is missing or empty",
		"remediation": "record the version of the test and validation procedure followed",
		"evidence_path": "$.eu_ai_act.qms.test_procedure_version",
	}} with input as _merge(fx.without(["/eu_ai_act/qms/test_procedure_version"]))
}

test_not_applicable_out_of_scope if {
	control.not_applicable_reason == "eu_ai_act.applicable is not true: the model is outside the EU AI Act high-risk regime" with input as _merge(fx.put("/eu_ai_act/applicable", false))
}

test_annotation if {
	control.control.id == "EUAIA-QMS-01"
	control.control.framework == "EU AI Act"
	control.control.effective_from == "2027-12-02"
}
