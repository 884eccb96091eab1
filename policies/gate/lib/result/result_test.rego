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

_dated_chain := [{"path": ["data", "x"], "annotations": {
	"scope": "package",
	"title": "A title",
	"custom": {
		"control_id": "X-01", "framework": "Example", "section": "§1", "severity": "high",
		"stages": ["merge"], "effective_from_data": ["example", "regulation_date"],
	},
}}]

# The in-force date is read from the policy data, so an override moves it.
test_success_effective_from_read_from_data if {
	result.control(_dated_chain).effective_from == "2027-12-02" with data.gate.overrides as {"example": {"regulation_date": "2027-12-02"}}
	result.control(_dated_chain).effective_from == "2028-01-01" with data.gate.overrides as {"example": {"regulation_date": "2028-01-01"}}
}

# A path that names no date leaves the control undefined (the gate reports it), never in force always.
test_fail_effective_from_data_names_no_date if {
	not result.control(_dated_chain)
	not result.control(_dated_chain) with data.gate.overrides as {"example": {"regulation_date": 2027}}
}
