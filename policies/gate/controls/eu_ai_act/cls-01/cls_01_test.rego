package gate.controls.eu_ai_act["cls-01_test"]

import data.gate.controls.eu_ai_act["cls-01"] as control
import data.gate.controls.eu_ai_act.fixtures_test as fx

_paths(vs) := {v.evidence_path | some v in vs}

_merge(b) := fx.policy_input(b, "merge", fx.now)

_cls(patch) := object.union(fx.bundle.eu_ai_act.classification, patch)

_with_cls(patch) := fx.put("/eu_ai_act/classification", _cls(patch))

test_success_high_risk_record if {
	control.deny == set() with input as fx.at_stage("merge")
	control.required_approvals == {{
		"control_id": "EUAIA-CLS-01",
		"role": "legal",
		"count": 1,
		"reason": "legal signs the EU AI Act high-risk classification",
	}} with input as fx.at_stage("merge")
	not control.not_applicable_reason with input as fx.at_stage("merge")
}

test_fail_missing_record if {
	control.deny == {
		{
			"control_id": "EUAIA-CLS-01",
			"framework": "EU AI Act",
			"section": "Art 6(2)-(4), Annex III 5(b)/(c); Art 49(2)",
			"severity": "high",
			"title": "Dated high-risk classification record, signed off by legal",
			"msg": "the classification record gives no reasoning",
			"remediation": "write down why the system is or is not high-risk under Art 6 and Annex III",
			"evidence_path": "$.eu_ai_act.classification.rationale",
		},
		{
			"control_id": "EUAIA-CLS-01",
			"framework": "EU AI Act",
			"section": "Art 6(2)-(4), Annex III 5(b)/(c); Art 49(2)",
			"severity": "high",
			"title": "Dated high-risk classification record, signed off by legal",
			"msg": "the classification record is not dated",
			"remediation": "record when the classification was decided as an RFC 3339 time",
			"evidence_path": "$.eu_ai_act.classification.decided_at",
		},
	} with input as _merge(fx.without(["/eu_ai_act/classification/rationale", "/eu_ai_act/classification/decided_at"]))
}

test_fail_no_record_at_all if {
	_paths(control.deny) == {
		"$.eu_ai_act.classification.annex_iii_point",
		"$.eu_ai_act.classification.high_risk",
		"$.eu_ai_act.classification.rationale",
		"$.eu_ai_act.classification.decided_at",
	} with input as _merge(fx.without(["/eu_ai_act/classification"]))
}

test_fail_decided_in_the_future if {
	_paths(control.deny) == {"$.eu_ai_act.classification.decided_at"} with input as _merge(_with_cls({"decided_at": "2030-01-01T00:00:00Z"}))
}

test_fail_derogation_with_profiling_and_no_assessment if {
	_paths(control.deny) == {
		"$.eu_ai_act.classification.art_6_3_assessment_uri",
		"$.eu_ai_act.classification.high_risk",
	} with input as _merge(_with_cls({"high_risk": false, "profiling": true}))
}

test_fail_derogation_profiling_unstated if {
	b := json.remove(_with_cls({"high_risk": false, "art_6_3_assessment_uri": "docs/art-6-3.md"}), ["/eu_ai_act/classification/profiling"])
	_paths(control.deny) == {"$.eu_ai_act.classification.profiling"} with input as _merge(b)
}

test_success_justified_derogation if {
	b := _with_cls({"high_risk": false, "profiling": false, "art_6_3_assessment_uri": "docs/art-6-3.md"})
	control.deny == set() with input as _merge(b)
}

test_fail_fraud_exclusion_on_a_credit_model if {
	_paths(control.deny) == {
		"$.eu_ai_act.classification.fraud_exception_claimed",
		"$.eu_ai_act.classification.fraud_exception_rationale",
		"$.eu_ai_act.classification.high_risk",
	} with input as _merge(_with_cls({"fraud_exception_claimed": true}))
}

_fraud_model := json.patch(fx.bundle, [
	{"op": "replace", "path": "/model/use_case", "value": "fraud"},
	{"op": "replace", "path": "/eu_ai_act/applicable", "value": false},
	{"op": "replace", "path": "/eu_ai_act/classification", "value": _cls({
		"annex_iii_point": "none",
		"high_risk": false,
		"fraud_exception_claimed": true,
		"fraud_exception_rationale": "Scores card transactions for fraud only; no creditworthiness decision.",
	})},
])

test_success_fraud_model_claims_the_exclusion if {
	not control.not_applicable_reason with input as _merge(_fraud_model)
	control.deny == set() with input as _merge(_fraud_model)
}

test_fail_fraud_model_without_justification if {
	b := json.remove(_fraud_model, ["/eu_ai_act/classification/fraud_exception_rationale"])
	_paths(control.deny) == {"$.eu_ai_act.classification.fraud_exception_rationale"} with input as _merge(b)
}

test_not_applicable_out_of_scope if {
	b := json.patch(fx.bundle, [{"op": "replace", "path": "/eu_ai_act", "value": {"applicable": false}}])
	control.not_applicable_reason == "eu_ai_act.applicable is not true: the model is outside the EU AI Act high-risk regime" with input as _merge(b)
}

test_annotation if {
	control.control.id == "EUAIA-CLS-01"
	control.control.framework == "EU AI Act"
	control.control.effective_from == "2026-08-02"
}
