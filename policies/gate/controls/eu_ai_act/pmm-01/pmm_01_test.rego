package gate.controls.eu_ai_act["pmm-01_test"]

import data.gate.controls.eu_ai_act.fixtures_test as fx
import data.gate.controls.eu_ai_act["pmm-01"] as control

_paths(vs) := {v.evidence_path | some v in vs}

test_success_plan_and_active_job if {
	control.deny == set() with input as fx.at_stage("production")
	control.deny == set() with input as fx.at_stage("monitoring")
}

test_fail_no_plan_and_paused_job if {
	b := json.patch(fx.bundle, [
		{"op": "remove", "path": "/eu_ai_act/pmm_plan_uri"},
		{"op": "replace", "path": "/monitoring/job_status", "value": "paused"},
	])
	control.deny == {
		{
			"control_id": "EUAIA-PMM-01", "framework": "EU AI Act", "section": "Art 72(1)-(3)", "severity": "high",
			"title": "Post-market monitoring plan in the documentation, monitoring running",
			"msg": "$.eu_ai_act.pmm_plan_uri is missing or empty",
			"remediation": "write the post-market monitoring plan and link it",
			"evidence_path": "$.eu_ai_act.pmm_plan_uri",
		},
		{
			"control_id": "EUAIA-PMM-01", "framework": "EU AI Act", "section": "Art 72(1)-(3)", "severity": "high",
			"title": "Post-market monitoring plan in the documentation, monitoring running",
			"msg": "the monitoring job is paused, not active",
			"remediation": "schedule the monitoring job (status scheduled or running) so performance data is collected and analysed",
			"evidence_path": "$.monitoring.job_status",
		},
	} with input as fx.policy_input(b, "production", fx.now)
}

test_fail_monitoring_without_a_run if {
	b := fx.without(["/monitoring", "/eu_ai_act/annex_iv/section_9"])
	_paths(control.deny) == {
		"$.eu_ai_act.annex_iv.section_9.uri",
		"$.monitoring.latest.period.start",
		"$.monitoring.latest.period.end",
		"$.monitoring.job_status",
	} with input as fx.policy_input(b, "monitoring", fx.now)
	_paths(control.deny) == {"$.eu_ai_act.annex_iv.section_9.uri", "$.monitoring.job_status"} with input as fx.policy_input(b, "production", fx.now)
}

test_not_applicable_out_of_scope if {
	control.not_applicable_reason == "eu_ai_act.applicable is not true: the model is outside the EU AI Act high-risk regime" with input as fx.policy_input(fx.put("/eu_ai_act/applicable", false), "monitoring", fx.now)
}

test_annotation if {
	control.control.id == "EUAIA-PMM-01"
	control.control.framework == "EU AI Act"
	control.control.effective_from == "2027-12-02"
}

# Where each stage-bound rule fires, written down from the control as it stood when the
# stage moved from the rule's body into the policy data: exactly these stages.
test_success_monitoring_period_required_exactly_at_monitoring if {
	b := fx.without(["/monitoring/latest/period"])
	{[stage, path] |
		some stage in ["merge", "staging", "production", "monitoring"]
		found := _paths(control.deny) with input as fx.policy_input(b, stage, fx.now)
		some path in found
		startswith(path, "$.monitoring.latest.period")
	} == {["monitoring", "$.monitoring.latest.period.start"], ["monitoring", "$.monitoring.latest.period.end"]}
}

test_success_monitoring_period_stages_are_policy_data if {
	b := fx.without(["/monitoring/latest/period"])
	found := _paths(control.deny) with input as fx.policy_input(b, "production", fx.now)
		with data.gate.overrides as {"eu_ai_act": {"monitoring_period_stages": ["production"]}}
	"$.monitoring.latest.period.start" in found
}
