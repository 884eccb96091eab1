package gate.controls.eu_ai_act["inc-01_test"]

import data.gate.controls.eu_ai_act.fixtures_test as fx
import data.gate.controls.eu_ai_act["inc-01"] as control

_paths(vs) := {v.evidence_path | some v in vs}

_production(b) := fx.policy_input(b, "production", fx.now)

test_success_process_and_no_serious_incident if {
	control.deny == set() with input as fx.at_stage("production")
	control.warn == set() with input as fx.at_stage("monitoring")
}

test_fail_no_process if {
	_paths(control.deny) == {
		"$.eu_ai_act.incident_process.clock_days.general",
		"$.eu_ai_act.incident_process.clock_days.death",
		"$.eu_ai_act.incident_process.clock_days.widespread",
		"$.eu_ai_act.incident_process.uri",
		"$.eu_ai_act.incident_process.msa_contacts",
	} with input as _production(fx.without(["/eu_ai_act/incident_process"]))
}

test_fail_clock_too_long if {
	control.deny == {{
		"control_id": "EUAIA-INC-01", "framework": "EU AI Act", "section": "Art 73(1)-(4); Art 26(5)", "severity": "high",
		"title": "Serious-incident process with the legal reporting clocks, and incidents reported in time",
		"msg": "the death reporting deadline is 15 days, longer than the legal 10",
		"remediation": "shorten the process deadline to the legal one or less",
		"evidence_path": "$.eu_ai_act.incident_process.clock_days.death",
	}} with input as _production(fx.put("/eu_ai_act/incident_process/clock_days/death", 15))
}

_incidents := [
	{"id": "A", "serious": true, "category": "widespread", "aware_at": "2027-12-01T00:00:00Z", "reported_at": "2027-12-05T00:00:00Z"},
	{"id": "B", "serious": true, "aware_at": "2027-11-01T00:00:00Z"},
	{"id": "C", "serious": true, "aware_at": "2027-12-10T00:00:00Z"},
	{"id": "D", "serious": true, "category": "death", "aware_at": "2027-12-01T00:00:00Z", "reported_at": "2027-12-08T00:00:00Z"},
]

test_fail_late_and_unreported_serious_incidents if {
	b := fx.put("/monitoring/incidents", _incidents)
	control.deny == {
		{
			"control_id": "EUAIA-INC-01", "framework": "EU AI Act", "section": "Art 73(1)-(4); Art 26(5)", "severity": "high",
			"title": "Serious-incident process with the legal reporting clocks, and incidents reported in time",
			"msg": "serious incident A was reported after its 2-day deadline",
			"remediation": "report serious incidents to the market surveillance authority within the legal deadline, and review why this one was late",
			"evidence_path": "$.monitoring.incidents[0].reported_at",
		},
		{
			"control_id": "EUAIA-INC-01", "framework": "EU AI Act", "section": "Art 73(1)-(4); Art 26(5)", "severity": "high",
			"title": "Serious-incident process with the legal reporting clocks, and incidents reported in time",
			"msg": "serious incident B is unreported and past its deadline",
			"remediation": "report the incident to the market surveillance authority now and record when",
			"evidence_path": "$.monitoring.incidents[1].reported_at",
		},
	} with input as fx.policy_input(b, "monitoring", fx.now)
	_paths(control.warn) == {"$.monitoring.incidents[2].reported_at"} with input as fx.policy_input(b, "monitoring", fx.now)
}

test_not_applicable_out_of_scope if {
	control.not_applicable_reason == "eu_ai_act.applicable is not true: the model is outside the EU AI Act high-risk regime" with input as _production(fx.put("/eu_ai_act/applicable", false))
}

test_annotation if {
	control.control.id == "EUAIA-INC-01"
	control.control.framework == "EU AI Act"
	control.control.effective_from == "2027-12-02"
}
