# METADATA
# title: Monitoring plan in place and scheduled before go-live
# description: |
#   A monitoring plan names its metrics, thresholds, frequency, owner and escalation
#   path; the frequency is one the tier allows (settings
#   sr117.tiers.<tier>.monitoring_frequencies), and the monitoring job is scheduled
#   (settings sr117.monitoring_job_ok_statuses).
# custom:
#   control_id: SR117-MON-01
#   framework: SR 11-7 / SR 26-2
#   section: SR 11-7 §V key element 2 (ongoing monitoring); SR 26-2 §V (monitoring)
#   severity: high
#   stages: [production]
#   effective_from_data: [sr117, guidances, "SR 11-7", effective_from]
package gate.controls.sr117["mon-01"]

import data.gate.controls.sr117.lib
import data.gate.lib.result
import data.gate.lib.values

control := result.control(rego.metadata.chain())

_plan := object.get(input.bundle, ["monitoring", "plan"], {})

_frequencies := object.get(lib.tier, "monitoring_frequencies", [])

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the monitoring plan has no %s", [field]),
	sprintf("$.monitoring.plan.%s", [field]),
	"write the monitoring plan: metrics, thresholds, frequency, owner and escalation path",
) if {
	some field in values.missing(_plan, ["uri", "metrics", "thresholds", "frequency", "owner_id", "escalation_path"])
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("monitoring every %s is too infrequent for a %s-tier model (allowed: %s)", [_plan.frequency, input.bundle.model.risk_tier, concat(", ", _frequencies)]),
	"$.monitoring.plan.frequency",
	"monitor the model at least as often as its tier requires",
) if {
	values.present(_plan.frequency)
	not _plan.frequency in _frequencies
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the monitoring job is %v, not scheduled", [object.get(input.bundle, ["monitoring", "job_status"], "missing")]),
	"$.monitoring.job_status",
	"schedule the monitoring job before go-live",
) if {
	not object.get(input.bundle, ["monitoring", "job_status"], "") in lib.settings.monitoring_job_ok_statuses
}
