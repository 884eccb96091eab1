# METADATA
# title: Post-market monitoring plan in the documentation, monitoring running
# description: |
#   A post-market monitoring plan exists and is part of the technical documentation
#   (Annex IV heading 9), the monitoring job is active, and at the stages of settings
#   eu_ai_act.monitoring_period_stages (monitoring) the latest run covers a stated period.
# custom:
#   control_id: EUAIA-PMM-01
#   framework: EU AI Act
#   section: Art 72(1)-(3)
#   severity: high
#   stages: [production, monitoring]
#   effective_from_data: [eu_ai_act, application_dates, annex_iii]
package gate.controls.eu_ai_act["pmm-01"]

import data.gate.controls.eu_ai_act.common
import data.gate.lib.result

control := result.control(rego.metadata.chain())

not_applicable_reason := common.high_risk_reason

_fields := [
	{"path": ["eu_ai_act", "pmm_plan_uri"], "kind": "text", "fix": "write the post-market monitoring plan and link it"},
	{"path": ["eu_ai_act", "annex_iv", "section_9", "uri"], "kind": "text", "fix": "include the post-market monitoring plan in the technical documentation (Annex IV heading 9)"},
]

_period_fields := [
	{"path": ["monitoring", "latest", "period", "start"], "kind": "date", "fix": "run the monitoring job and record the period it covers"},
	{"path": ["monitoring", "latest", "period", "end"], "kind": "date", "fix": "run the monitoring job and record the period it covers"},
]

deny contains result.violation(rego.metadata.chain(), common.gap_msg(f), common.json_path(f.path), f.fix) if {
	some f in _fields
	common.lacks(f.path, f.kind)
}

deny contains result.violation(rego.metadata.chain(), common.gap_msg(f), common.json_path(f.path), f.fix) if {
	input.stage in common.settings.monitoring_period_stages
	some f in _period_fields
	common.lacks(f.path, f.kind)
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the monitoring job is %v, not active", [status]),
	"$.monitoring.job_status",
	sprintf("schedule the monitoring job (status %s) so performance data is collected and analysed", [concat(" or ", common.settings.monitoring_job_active)]),
) if {
	status := object.get(input.bundle, ["monitoring", "job_status"], "missing")
	not status in common.settings.monitoring_job_active
}
