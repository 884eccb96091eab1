package gate.controls.eu_ai_act["sub-01_test"]

import data.gate.controls.eu_ai_act.fixtures_test as fx
import data.gate.controls.eu_ai_act["sub-01"] as control

_paths(vs) := {v.evidence_path | some v in vs}

_merge(b) := fx.policy_input(b, "merge", fx.now)

test_success_within_envelope if {
	control.deny == set() with input as fx.at_stage("merge")
	control.required_approvals == set() with input as fx.at_stage("merge")
}

test_fail_not_assessed if {
	_paths(control.deny) == {
		"$.eu_ai_act.predetermined_changes_uri",
		"$.eu_ai_act.substantial_modification.assessed",
		"$.eu_ai_act.substantial_modification.is_substantial",
		"$.eu_ai_act.substantial_modification.rationale",
		"$.change.type",
	} with input as _merge(fx.without(["/eu_ai_act/predetermined_changes_uri", "/eu_ai_act/substantial_modification", "/change/type"]))
}

_substantial := fx.put("/eu_ai_act/substantial_modification/is_substantial", true)

test_fail_substantial_without_new_assessment if {
	b := json.patch(_substantial, [{"op": "replace", "path": "/eu_ai_act/conformity/completed_at", "value": "2026-01-01T00:00:00Z"}])
	control.deny == {{
		"control_id": "EUAIA-SUB-01", "framework": "EU AI Act", "section": "Art 3(23); Art 43(4); Art 13(3)(c)", "severity": "high",
		"title": "Change assessed as a substantial modification or not",
		"msg": "the change is a substantial modification but no conformity assessment completed after the change began",
		"remediation": "carry out a new conformity assessment of the modified system and record when it completed",
		"evidence_path": "$.eu_ai_act.conformity.completed_at",
	}} with input as _merge(b)
}

test_success_substantial_reassessed_needs_legal if {
	control.deny == set() with input as _merge(_substantial)
	control.required_approvals == {{
		"control_id": "EUAIA-SUB-01",
		"role": "legal",
		"count": 1,
		"reason": "legal signs a substantial modification outside the predetermined-change envelope",
	}} with input as _merge(_substantial)
}

test_not_applicable_out_of_scope if {
	control.not_applicable_reason == "eu_ai_act.applicable is not true: the model is outside the EU AI Act high-risk regime" with input as _merge(fx.put("/eu_ai_act/applicable", false))
}

test_annotation if {
	control.control.id == "EUAIA-SUB-01"
	control.control.framework == "EU AI Act"
	control.control.effective_from == "2027-12-02"
}
