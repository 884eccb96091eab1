# METADATA
# title: No blocking validation findings; conditions tracked
# description: |
#   No validation finding at a blocking severity for the tier (settings
#   sr117.tiers.<tier>.blocking_finding_severities) is still open (settings
#   sr117.open_finding_statuses). Open findings have an owner and a due date; overdue
#   ones warn. A conditional approval lists its conditions, each with an owner and a
#   due date, none lapsed.
# custom:
#   control_id: SR117-VAL-06
#   framework: SR 11-7 / SR 26-2
#   section: SR 11-7 §V (deficiencies lead to adjustment, redevelopment or rejection) and §VI policies; SR 26-2 §V and §VI
#   severity: critical
#   stages: [production]
#   effective_from_data: [sr117, guidances, "SR 11-7", effective_from]
package gate.controls.sr117["val-06"]

import data.gate.controls.sr117.lib
import data.gate.lib.result
import data.gate.lib.values

control := result.control(rego.metadata.chain())

_validation := object.get(input.bundle, "validation", {})

_blocking := object.get(lib.tier, "blocking_finding_severities", ["critical", "high", "medium", "low"])

_open[i] := f if {
	some i, f in object.get(_validation, "findings", [])
	f.status in lib.settings.open_finding_statuses
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("validation finding %s (%s) is still %s; %s findings block a %s-tier promotion", [f.id, f.severity, f.status, f.severity, input.bundle.model.risk_tier]),
	sprintf("$.validation.findings[%d].status", [i]),
	"remediate the finding and have the validator close it, or obtain a time-limited exception",
) if {
	some i, f in _open
	f.severity in _blocking
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("open validation finding %s has no %s", [f.id, field]),
	sprintf("$.validation.findings[%d].%s", [i, field]),
	"give every open finding an owner and a remediation due date",
) if {
	some i, f in _open
	some field in values.missing(f, ["owner", "due_date"])
}

# The findings list is the validator's record: an empty list says "no findings", a
# missing one says nothing, so it cannot pass a promotion.
deny contains result.violation(
	rego.metadata.chain(),
	"the validation records no findings list (write an empty list when there are none)",
	"$.validation.findings",
	"have the validator record the findings of the validation, or [] when there are none",
) if {
	not is_array(object.get(_validation, "findings", null))
}

warn contains result.violation(
	rego.metadata.chain(),
	sprintf("open validation finding %s was due on %s", [f.id, f.due_date]),
	sprintf("$.validation.findings[%d].due_date", [i]),
	"remediate the finding or agree a new date with model risk management",
) if {
	some i, f in _open
	f.due_date < lib.today
}

deny contains result.violation(
	rego.metadata.chain(),
	"the approval is conditional but lists no conditions",
	"$.validation.conditions",
	"record each condition of the approval with an owner and a due date",
) if {
	_validation.outcome == "conditional"
	not values.present(object.get(_validation, "conditions", []))
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("approval condition %d has no %s", [i, field]),
	sprintf("$.validation.conditions[%d].%s", [i, field]),
	"give every condition a description, an owner and a due date",
) if {
	some i, c in object.get(_validation, "conditions", [])
	some field in values.missing(c, ["description", "owner", "due_date"])
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("approval condition %d lapsed: due %v and not met", [i, object.get(c, "due_date", "")]),
	sprintf("$.validation.conditions[%d].status", [i]),
	"meet the condition and have the validator record it, or have the approval revisited",
) if {
	some i, c in object.get(_validation, "conditions", [])
	_lapsed(c)
}

_lapsed(c) if c.status == "lapsed"

_lapsed(c) if {
	object.get(c, "status", "open") == "open"
	c.due_date < lib.today
}
