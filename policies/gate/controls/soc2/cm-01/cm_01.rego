# METADATA
# title: Change traces to a ticket authorised before work began
# description: |
#   Every change names its ticket, the ticket was approved before the first commit of the
#   change, and the change record stays linked to the commit the artefact was built from.
# custom:
#   control_id: SOC2-CM-01
#   framework: SOC 2
#   section: TSC CC8.1 (authorizes changes; tracks system changes)
#   severity: high
#   stages: [merge]
package gate.controls.soc2["cm-01"]

import data.gate.lib.result
import data.gate.lib.values

control := result.control(rego.metadata.chain())

_change := object.get(input.bundle, "change", {})

_ts(v) := time.parse_rfc3339_ns(v) if is_string(v)

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the change record has no %s", [field]),
	sprintf("$.change.%s", [field]),
	"link the change to its ticket and record the commit it delivers",
) if {
	some field in ["ticket_id", "commit_sha"]
	not values.text(object.get(_change, field, null))
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the change record has no valid %s time", [field]),
	sprintf("$.change.%s", [field]),
	"record when the ticket was approved and when the first commit of the change was made (RFC 3339)",
) if {
	some field in ["ticket_approved_at", "first_commit_at"]
	not _ts(object.get(_change, field, null))
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("work started (%s) before the ticket was approved (%s)", [_change.first_commit_at, _change.ticket_approved_at]),
	"$.change.ticket_approved_at",
	"get the change ticket approved before starting work; record the real approval time",
) if {
	_ts(_change.ticket_approved_at) >= _ts(_change.first_commit_at)
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the change delivers commit %s but the artefact was built from %v", [_change.commit_sha, object.get(input.bundle, ["artifact", "commit_sha"], "an unrecorded commit")]),
	"$.change.commit_sha",
	"build the artefact from the change's commit, or correct the change record",
) if {
	values.text(object.get(_change, "commit_sha", null))
	_change.commit_sha != object.get(input.bundle, ["artifact", "commit_sha"], "")
}
