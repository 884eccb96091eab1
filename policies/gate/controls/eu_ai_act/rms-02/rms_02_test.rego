package gate.controls.eu_ai_act["rms-02_test"]

import data.gate.controls.eu_ai_act.fixtures_test as fx
import data.gate.controls.eu_ai_act["rms-02"] as control

_paths(vs) := {v.evidence_path | some v in vs}

_merge(b) := fx.policy_input(b, "merge", fx.now)

test_success_pre_registered_and_passing if {
	control.deny == set() with input as fx.at_stage("merge")
	control.deny == set() with input as fx.at_stage("staging")
}

test_fail_nothing_recorded if {
	_paths(control.deny) == {"$.testing.thresholds", "$.testing.ran_at", "$.testing.results"} with input as _merge(fx.without(["/testing"]))
}

test_fail_criteria_incomplete_late_and_failing if {
	b := json.patch(fx.bundle, [
		{"op": "remove", "path": "/testing/thresholds/auc/defined_in_commit"},
		{"op": "replace", "path": "/testing/thresholds/auc/defined_at", "value": "2026-08-01T00:00:00Z"},
		{"op": "replace", "path": "/testing/results/auc", "value": 0.70},
		{"op": "replace", "path": "/testing/results/brier", "value": 0.2},
	])
	control.deny == {
		{
			"control_id": "EUAIA-RMS-02", "framework": "EU AI Act", "section": "Art 9(6)-(8)", "severity": "high",
			"title": "Metrics and thresholds fixed before testing; every result passes",
			"msg": "$.testing.thresholds.auc.defined_in_commit is missing or empty",
			"remediation": "record the commit that first contained the criterion",
			"evidence_path": "$.testing.thresholds.auc.defined_in_commit",
		},
		{
			"control_id": "EUAIA-RMS-02", "framework": "EU AI Act", "section": "Art 9(6)-(8)", "severity": "high",
			"title": "Metrics and thresholds fixed before testing; every result passes",
			"msg": "the auc criterion was fixed at 2026-08-01T00:00:00Z, not before the test run at 2026-07-20T14:10:00Z",
			"remediation": "fix metrics and thresholds before testing, then re-run the tests",
			"evidence_path": "$.testing.thresholds.auc.defined_at",
		},
		{
			"control_id": "EUAIA-RMS-02", "framework": "EU AI Act", "section": "Art 9(6)-(8)", "severity": "high",
			"title": "Metrics and thresholds fixed before testing; every result passes",
			"msg": "metric auc tested at 0.7, below the minimum 0.75",
			"remediation": "improve the model until it meets the pre-registered criterion; do not move the threshold after testing",
			"evidence_path": "$.testing.results.auc",
		},
		{
			"control_id": "EUAIA-RMS-02", "framework": "EU AI Act", "section": "Art 9(6)-(8)", "severity": "high",
			"title": "Metrics and thresholds fixed before testing; every result passes",
			"msg": "metric brier tested at 0.2, above the maximum 0.09",
			"remediation": "improve the model until it meets the pre-registered criterion; do not move the threshold after testing",
			"evidence_path": "$.testing.results.brier",
		},
	} with input as _merge(b)
}

test_fail_missing_result_and_future_run if {
	b := json.patch(fx.bundle, [
		{"op": "remove", "path": "/testing/results/brier"},
		{"op": "replace", "path": "/testing/ran_at", "value": "2028-01-01T00:00:00Z"},
	])
	_paths(control.deny) == {"$.testing.results.brier", "$.testing.ran_at"} with input as _merge(b)
}

test_not_applicable_before_annex_i_date if {
	b := fx.put("/eu_ai_act/classification/annex_iii_point", "none")
	startswith(control.not_applicable_reason, "not yet in force for this system: Annex I") with input as _merge(b)
}

test_annotation if {
	control.control.id == "EUAIA-RMS-02"
	control.control.framework == "EU AI Act"
	control.control.effective_from == "2027-12-02"
}
