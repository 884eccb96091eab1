package gate.lib.result_test

import data.gate.lib.result

_chain := [
	{"path": ["data", "x", "deny"]},
	{"path": ["data", "x"], "annotations": {
		"scope": "package",
		"title": "A title",
		"custom": {
			"control_id": "X-01",
			"framework": "Example",
			"section": "§1",
			"severity": "high",
			"stages": ["merge"],
		},
	}},
]

test_success_control_from_chain if {
	result.control(_chain) == {
		"id": "X-01", "framework": "Example", "section": "§1", "title": "A title",
		"severity": "high", "stages": ["merge"], "effective_from": "", "effective_until": "",
	}
}

test_success_violation_from_chain if {
	result.violation(_chain, "m", "$.a", "r") == {
		"control_id": "X-01", "framework": "Example", "section": "§1", "severity": "high",
		"title": "A title", "msg": "m", "remediation": "r", "evidence_path": "$.a",
	}
}

test_success_approval_requirement if {
	result.approval_requirement(_chain, "validator", 1, "why") == {
		"control_id": "X-01", "role": "validator", "count": 1, "reason": "why",
	}
}

test_fail_no_package_annotations if {
	not result.control([{"path": ["data", "x"]}])
}
