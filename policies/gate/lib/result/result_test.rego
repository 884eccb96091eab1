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
	not result.control(_dated_chain) with data.gate.overrides as {"example": {"regulation_date": "02/08/2027"}}
	not result.control(_dated_chain) with data.gate.overrides as {"example": {"regulation_date": "someday"}}
	not result.control(_dated_chain) with data.gate.overrides as {"example": {"regulation_date": ""}}
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
	dates == {"GATE-APPL-01": "2011-04-04", "GATE-PROV-01": "2011-04-04", "GATE-REP-01": "2011-04-04", "GATE-WF-01": "2011-04-04"}
}

test_success_overridden_gate_conventions_date_moves_them if {
	dates := {pkg.control.effective_from | some _, pkg in data.gate.controls.mrm_gate} with data.gate.overrides as {"mrm_gate": {"controls_effective_from": "2000-01-01"}}
	dates == {"2000-01-01"}
}

# The EU AI Act controls' in-force dates are the application dates in the policy data
# (eu_ai_act.application_dates): the classification record from the general date, the
# high-risk obligations from the Annex III date.
_eu_dates := {pkg.control.id: pkg.control.effective_from |
	some _, pkg in data.gate.controls.eu_ai_act
	pkg.control
}

_eu_high_risk := {"EUAIA-ACC-01", "EUAIA-CA-01", "EUAIA-DATA-01", "EUAIA-DATA-02", "EUAIA-DATA-03", "EUAIA-DOC-01", "EUAIA-DOC-02", "EUAIA-FRIA-01", "EUAIA-HO-01", "EUAIA-IFU-01", "EUAIA-INC-01", "EUAIA-LOG-01", "EUAIA-PMM-01", "EUAIA-QMS-01", "EUAIA-RMS-01", "EUAIA-RMS-02", "EUAIA-SEC-01", "EUAIA-SUB-01"}

test_success_eu_ai_act_controls_take_the_application_dates if {
	{id | some id, date in _eu_dates; date == "2026-08-02"} == {"EUAIA-CLS-01"}
	{id | some id, date in _eu_dates; date == "2027-12-02"} == _eu_high_risk
	count(_eu_dates) == 19
}

test_success_overridden_annex_iii_date_moves_the_high_risk_controls if {
	moved := {id | some id, date in _eu_dates; date == "2028-01-01"} with data.gate.overrides as {"eu_ai_act": {"application_dates": {"annex_iii": "2028-01-01"}}}
	moved == _eu_high_risk
}
