# METADATA
# title: Serious-incident process with the legal reporting clocks, and incidents reported in time
# description: |
#   A serious-incident process exists with reporting deadlines no longer than the
#   legal ones in data (15 days, 10 days where a death occurred, 2 days for a
#   widespread infringement or critical-infrastructure disruption) and the market
#   surveillance authorities to notify. Every serious incident was reported within
#   its deadline; one still inside its deadline is a warning.
# custom:
#   control_id: EUAIA-INC-01
#   framework: EU AI Act
#   section: Art 73(1)-(4); Art 26(5)
#   severity: high
#   stages: [production, monitoring]
#   effective_from_data: [eu_ai_act, application_dates, annex_iii]
package gate.controls.eu_ai_act["inc-01"]

import data.gate.controls.eu_ai_act.common
import data.gate.lib.result

control := result.control(rego.metadata.chain())

not_applicable_reason := common.high_risk_reason

_clocks := common.settings.incident_clock_days

_fields := array.concat(
	[{"path": ["eu_ai_act", "incident_process", "clock_days", c], "kind": "number", "fix": sprintf("set the %s reporting deadline in days", [c])} |
		some c, _ in _clocks
	],
	[
		{"path": ["eu_ai_act", "incident_process", "uri"], "kind": "text", "fix": "document the serious-incident process and link it"},
		{"path": ["eu_ai_act", "incident_process", "msa_contacts"], "kind": "items", "fix": "list the market surveillance authorities to notify"},
	],
)

deny contains result.violation(rego.metadata.chain(), common.gap_msg(f), common.json_path(f.path), f.fix) if {
	some f in _fields
	common.lacks(f.path, f.kind)
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the %s reporting deadline is %v days, longer than the legal %v", [category, days, limit]),
	sprintf("$.eu_ai_act.incident_process.clock_days.%s", [category]),
	"shorten the process deadline to the legal one or less",
) if {
	some category, limit in _clocks
	days := common.eu.incident_process.clock_days[category]
	is_number(days)
	days > limit
}

_day_ns := ((24 * 60) * 60) * 1000000000

# The deadline of a serious incident, in nanoseconds since the epoch.
_deadline(incident) := time.parse_rfc3339_ns(incident.aware_at) + (_clocks[object.get(incident, "category", "general")] * _day_ns)

_serious contains [i, incident] if {
	some i, incident in object.get(input.bundle, ["monitoring", "incidents"], [])
	incident.serious == true
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("serious incident %v was reported after its %v-day deadline", [incident.id, _clocks[object.get(incident, "category", "general")]]),
	sprintf("$.monitoring.incidents[%d].reported_at", [i]),
	"report serious incidents to the market surveillance authority within the legal deadline, and review why this one was late",
) if {
	some [i, incident] in _serious
	time.parse_rfc3339_ns(incident.reported_at) > _deadline(incident)
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("serious incident %v is unreported and past its deadline", [incident.id]),
	sprintf("$.monitoring.incidents[%d].reported_at", [i]),
	"report the incident to the market surveillance authority now and record when",
) if {
	some [i, incident] in _serious
	not incident.reported_at
	time.parse_rfc3339_ns(input.context.now) > _deadline(incident)
}

warn contains result.violation(
	rego.metadata.chain(),
	sprintf("serious incident %v is not reported yet; its deadline has not passed", [incident.id]),
	sprintf("$.monitoring.incidents[%d].reported_at", [i]),
	"report the incident to the market surveillance authority before the deadline",
) if {
	some [i, incident] in _serious
	not incident.reported_at
	time.parse_rfc3339_ns(input.context.now) <= _deadline(incident)
}
