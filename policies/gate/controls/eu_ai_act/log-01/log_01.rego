# METADATA
# title: Automatic event logging serving risk, post-market and deployer monitoring
# description: |
#   The serving system logs events automatically, maps logged fields to risk
#   detection, post-market monitoring and deployer monitoring, keeps logs for at
#   least the minimum in data (six months) in a named store, and the serving
#   configuration that does so is pinned by digest.
# custom:
#   control_id: EUAIA-LOG-01
#   framework: EU AI Act
#   section: Art 12(1)-(2); Art 19(1); Art 26(6)
#   severity: high
#   stages: [staging, production]
#   effective_from_data: [eu_ai_act, application_dates, annex_iii]
package gate.controls.eu_ai_act["log-01"]

import data.gate.controls.eu_ai_act.common
import data.gate.lib.result

control := result.control(rego.metadata.chain())

not_applicable_reason := common.high_risk_reason

_log := ["eu_ai_act", "logging"]

_purposes := [{"path": array.concat(_log, ["fields_map", p]), "kind": "items", "fix": sprintf("list the logged fields that serve %s", [p])} |
	some p in common.settings.log_purposes
]

_fields := array.concat(_purposes, [
	{"path": array.concat(_log, ["enabled"]), "kind": "true", "fix": "enable automatic event logging in the serving system"},
	{"path": array.concat(_log, ["events"]), "kind": "items", "fix": "list the events the serving system logs"},
	{"path": array.concat(_log, ["retention_days"]), "kind": "number", "fix": "record how many days logs are kept"},
	{"path": array.concat(_log, ["store_uri"]), "kind": "text", "fix": "name the store that keeps the logs"},
	{"path": ["ops", "serving_config", "digest"], "kind": "digest", "fix": "pin the serving configuration that enables logging by its sha256 digest"},
])

deny contains result.violation(rego.metadata.chain(), common.gap_msg(f), common.json_path(f.path), f.fix) if {
	some f in _fields
	common.lacks(f.path, f.kind)
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("logs are kept %v days, less than %v", [days, common.settings.log_retention_days_min]),
	"$.eu_ai_act.logging.retention_days",
	"keep logs for at least six months, or longer where financial-services record rules require it",
) if {
	days := common.eu.logging.retention_days
	is_number(days)
	days < common.settings.log_retention_days_min
}
