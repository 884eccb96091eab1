package gate.controls.soc2["cm-03_test"]

import data.gate.controls.soc2["cm-03"] as control

_sha := "46955eda4c13726b609071049f8c56231f1565f5"

_bundle := {
	"artifact": {"commit_sha": _sha},
	"change": {
		"ci_run_id": "987",
		"ci_commit_sha": _sha,
		"tests_passed": true,
		"required_checks": [
			{"name": "unit-tests", "conclusion": "success"},
			{"name": "data-contract", "conclusion": "success"},
			{"name": "model-evaluation", "conclusion": "success"},
		],
	},
}

test_success_tests_passed_on_promoted_commit if {
	control.deny == set() with input as {"bundle": _bundle}
}

test_fail_nothing_recorded if {
	ds := control.deny with input as {"bundle": {}}
	{v.msg | some v in ds} == {
		"the change record has no ci_run_id",
		"the change record has no ci_commit_sha",
		"the CI tests did not pass (or their outcome is not recorded)",
		"required check unit-tests did not run",
		"required check data-contract did not run",
		"required check model-evaluation did not run",
	}
}

test_fail_other_commit_and_failed_check if {
	b := json.patch(_bundle, [
		{"op": "replace", "path": "/change/ci_commit_sha", "value": "1111111111111111111111111111111111111111"},
		{"op": "replace", "path": "/change/required_checks/2/conclusion", "value": "failure"},
	])
	ds := control.deny with input as {"bundle": b}
	{v.msg | some v in ds} == {
		"CI tested commit 1111111111111111111111111111111111111111 but the artefact was built from 46955eda4c13726b609071049f8c56231f1565f5",
		"required check model-evaluation concluded failure",
	}
}

test_success_metadata if {
	control.control.id == "SOC2-CM-03"
}
