package gate.controls.eu_ai_act["data-03_test"]

import data.gate.controls.eu_ai_act["data-03"] as control
import data.gate.controls.eu_ai_act.fixtures_test as fx

_paths(vs) := {v.evidence_path | some v in vs}

_merge(b) := fx.policy_input(b, "merge", fx.now)

_dpo := {
	"control_id": "EUAIA-DATA-03",
	"role": "dpo",
	"count": 1,
	"reason": "the data protection officer signs the processing of special-category data for bias detection",
}

test_success_special_category_processing_recorded if {
	control.deny == set() with input as fx.at_stage("merge")
	control.required_approvals == {_dpo} with input as fx.at_stage("merge")
}

test_success_no_special_category_data if {
	b := fx.put("/data/governance/special_category_processing", {"used": false})
	control.deny == set() with input as _merge(b)
	control.required_approvals == set() with input as _merge(b)
}

test_fail_nothing_recorded if {
	_paths(control.deny) == {
		"$.data.governance.bias_examination.attributes",
		"$.data.governance.bias_examination.method",
		"$.data.governance.bias_examination.findings",
		"$.data.governance.special_category_processing.used",
		"$.data.governance.special_category_processing.necessity_rationale",
		"$.data.governance.special_category_processing.safeguards",
		"$.data.governance.special_category_processing.access_list",
		"$.data.governance.special_category_processing.deletion_date",
		"$.data.governance.special_category_processing.ropa_ref",
	} with input as _merge(fx.without(["/data/governance"]))
	control.required_approvals == {_dpo} with input as _merge(fx.without(["/data/governance"]))
}

test_fail_no_ropa_entry if {
	control.deny == {{
		"control_id": "EUAIA-DATA-03", "framework": "EU AI Act",
		"section": "Art 10(2)(f)-(g); Art 10(5) (Art 4a after Reg. (EU) 2026/1744)", "severity": "high",
		"title": "Bias examination evidenced; special-category data processed lawfully",
		"msg": "$.data.governance.special_category_processing.ropa_ref is missing or empty",
		"remediation": "reference the entry in the GDPR Art 30 record of processing",
		"evidence_path": "$.data.governance.special_category_processing.ropa_ref",
	}} with input as _merge(fx.without(["/data/governance/special_category_processing/ropa_ref"]))
}

test_not_applicable_for_clinical_bundle_shape if {
	control.not_applicable_reason == "eu_ai_act.applicable is not true: the model is outside the EU AI Act high-risk regime" with input as _merge({"eu_ai_act": {"applicable": false}})
}

test_annotation if {
	control.control.id == "EUAIA-DATA-03"
	control.control.framework == "EU AI Act"
	control.control.effective_from == "2027-12-02"
}
