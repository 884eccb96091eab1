package gate.controls.eu_ai_act["data-01_test"]

import data.gate.controls.eu_ai_act["data-01"] as control
import data.gate.controls.eu_ai_act.fixtures_test as fx

_paths(vs) := {v.evidence_path | some v in vs}

test_success_complete_governance_record if {
	control.deny == set() with input as fx.at_stage("merge")
}

test_fail_no_governance_record if {
	_paths(control.deny) == {
		"$.data.governance.design_choices",
		"$.data.governance.collection_origin",
		"$.data.governance.personal_data_original_purpose",
		"$.data.governance.preparation_ops",
		"$.data.governance.assumptions",
		"$.data.governance.availability_assessment",
		"$.data.governance.bias_examination.uri",
		"$.data.governance.bias_mitigations",
		"$.data.governance.data_gaps",
	} with input as fx.policy_input(fx.without(["/data/governance"]), "merge", fx.now)
}

test_fail_empty_list if {
	control.deny == {{
		"control_id": "EUAIA-DATA-01", "framework": "EU AI Act", "section": "Art 10(2)(a)-(h)", "severity": "high",
		"title": "Training, validation and test data under documented governance",
		"msg": "$.data.governance.data_gaps is missing or lists nothing",
		"remediation": "list known data gaps and how they are handled (say so if none are known)",
		"evidence_path": "$.data.governance.data_gaps",
	}} with input as fx.policy_input(fx.put("/data/governance/data_gaps", []), "merge", fx.now)
}

test_not_applicable_before_the_annex_iii_date if {
	control.not_applicable_reason == "not yet in force for this system: Annex III high-risk obligations (deferred by Reg. (EU) 2026/1744) apply from 2027-12-02" with input as fx.policy_input(fx.bundle, "merge", "2027-06-01T00:00:00Z")
}

test_annotation if {
	control.control.id == "EUAIA-DATA-01"
	control.control.framework == "EU AI Act"
	control.control.effective_from == "2027-12-02"
}
