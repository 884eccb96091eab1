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

# The in-force dates of the FDA controls come from the policy data (fda.guidances), one
# date per guidance, so an override of a guidance's date moves each of its controls.
_fda_dates := {pkg.control.id: pkg.control.effective_from |
	some slug, pkg in data.gate.controls.fda
	pkg.control
}

test_success_fda_controls_take_their_guidances_dates if {
	_fda_dates == {
		"FDA-GMLP-01": "2021-10-27", "FDA-GMLP-02": "2021-10-27", "FDA-GMLP-03": "2021-10-27",
		"FDA-GMLP-04": "2021-10-27", "FDA-GMLP-05": "2021-10-27", "FDA-GMLP-06": "2021-10-27",
		"FDA-GMLP-07": "2021-10-27", "FDA-GMLP-08": "2021-10-27", "FDA-GMLP-09": "2021-10-27",
		"FDA-PCCP-01": "2024-12-04", "FDA-PCCP-02": "2024-12-04", "FDA-PCCP-03": "2024-12-04",
		"FDA-PCCP-04": "2024-12-04",
	}
}

test_success_overridden_pccp_date_moves_every_pccp_control if {
	moved := {id | some id, date in _fda_dates; date == "2025-08-18"} with data.gate.overrides as {"fda": {"guidances": {"PCCP": {"effective_from": "2025-08-18"}}}}
	moved == {"FDA-PCCP-01", "FDA-PCCP-02", "FDA-PCCP-03", "FDA-PCCP-04"}
}

test_success_gate_conventions_take_their_date_from_data if {
	dates := {pkg.control.id: pkg.control.effective_from | some _, pkg in data.gate.controls.mrm_gate}
	dates == {"GATE-APPL-01": "2011-04-04", "GATE-PROV-01": "2011-04-04", "GATE-REP-01": "2011-04-04"}
}

test_success_overridden_gate_conventions_date_moves_them if {
	dates := {pkg.control.effective_from | some _, pkg in data.gate.controls.mrm_gate} with data.gate.overrides as {"mrm_gate": {"controls_effective_from": "2000-01-01"}}
	dates == {"2000-01-01"}
}
