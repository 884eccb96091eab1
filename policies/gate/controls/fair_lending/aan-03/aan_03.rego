# METADATA
# title: Adverse-action notices on time and decision records retained
# description: |
#   Adverse-action notices go out within the policy SLA (30 days under Reg B) with no late
#   notices, and application and decision records, with reasons and model version, are
#   kept for at least 25 months.
# custom:
#   control_id: FL-AAN-03
#   framework: Fair lending / ECOA
#   section: Reg B 12 CFR 1002.9(a)(1); 1002.12(b)
#   severity: medium
#   stages: [production, monitoring]
package gate.controls.fair_lending["aan-03"]

import data.gate.controls.fair_lending.common
import data.gate.lib.config
import data.gate.lib.result

control := result.control(rego.metadata.chain())

_settings := config.settings.fair_lending

_aa := object.get(input.bundle, "adverse_action", {})

not_applicable_reason := common.adverse_action_reason

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the notice SLA is %v days; at most %v are allowed", [object.get(_aa, "notice_sla_days", "unset"), _settings.max_notice_sla_days]),
	"$.adverse_action.notice_sla_days",
	"set the adverse-action notice SLA within the policy maximum and record it",
) if {
	not object.get(_aa, "notice_sla_days", 99999) <= _settings.max_notice_sla_days
}

deny contains result.violation(
	rego.metadata.chain(),
	"the count of late adverse-action notices is not recorded",
	"$.adverse_action.notices_late_count",
	"report how many notices missed the SLA in the last period",
) if {
	not is_number(object.get(_aa, "notices_late_count", null))
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("%v adverse-action notices were late (at most %v allowed)", [_aa.notices_late_count, _settings.max_late_notices]),
	"$.adverse_action.notices_late_count",
	"send the outstanding notices and fix the notice process",
) if {
	_aa.notices_late_count > _settings.max_late_notices
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("decision records are kept for %v months; at least %v are required", [
		object.get(input.bundle, ["ops", "retention", "decision_records_months"], "an unrecorded number of"),
		_settings.min_decision_records_months,
	]),
	"$.ops.retention.decision_records_months",
	"retain application and decision records (reasons, model version) for the required period",
) if {
	not object.get(input.bundle, ["ops", "retention", "decision_records_months"], -1) >= _settings.min_decision_records_months
}
