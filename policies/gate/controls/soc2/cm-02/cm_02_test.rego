package gate.controls.soc2["cm-02_test"]

import data.gate.controls.soc2["cm-02"] as control

_change := {
	"type": "material",
	"description": "Retrain",
	"rollback_plan_uri": "docs/rollback.md",
	"risk_assessment": {"level": "medium", "impact": "1% of decisions change"},
	"affected_components": ["data", "model"],
}

test_success_complete_change_record if {
	control.deny == set() with input as {"bundle": {"change": _change}}
}

test_fail_empty_change_record if {
	ds := control.deny with input as {"bundle": {"change": {}}}
	{v.evidence_path | some v in ds} == {
		"$.change.type", "$.change.description", "$.change.rollback_plan_uri",
		"$.change.risk_assessment.level", "$.change.risk_assessment.impact", "$.change.affected_components",
	}
}

test_fail_no_rollback_plan if {
	ds := control.deny with input as {"bundle": {"change": json.remove(_change, ["rollback_plan_uri"])}}
	ds == {{
		"control_id": "SOC2-CM-02",
		"framework": "SOC 2",
		"section": "TSC CC8.1 (designs and develops changes; documents changes); CC3.4",
		"severity": "medium",
		"title": "Change record describes type, risk, impact and rollback",
		"msg": "the change record has no rollback_plan_uri",
		"remediation": "describe the change: its type, what it does and how to roll it back",
		"evidence_path": "$.change.rollback_plan_uri",
	}}
}

test_success_metadata if {
	control.control.id == "SOC2-CM-02"
}
