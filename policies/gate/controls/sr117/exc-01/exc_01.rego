# METADATA
# title: Exceptions to MRM policy are time-limited, controlled and approved
# description: |
#   Using a model before validation or with unresolved issues needs a policy exception
#   that cites the policy, gives a reason, records its approver, expires in the future,
#   lists compensating controls and limits usage. Senior management approves while any
#   exception covers production (settings sr117.exception_approver). Applies only when
#   the bundle declares an exception for production (an exception without stages
#   covers every stage).
# custom:
#   control_id: SR117-EXC-01
#   framework: SR 11-7 / SR 26-2
#   section: SR 11-7 §V (use before validation with limits and compensating controls) and §VI (policy exceptions); SR 26-2 §VI
#   severity: high
#   stages: [production]
#   effective_from_data: [sr117, guidances, "SR 11-7", effective_from]
package gate.controls.sr117["exc-01"]

import data.gate.controls.sr117.lib
import data.gate.lib.dates
import data.gate.lib.result
import data.gate.lib.values

control := result.control(rego.metadata.chain())

# Exceptions that cover production, by their index in the bundle.
_exceptions[i] := e if {
	some i, e in object.get(input.bundle, "exceptions", [])
	"production" in object.get(e, "stages", ["production"])
}

not_applicable_reason := "no policy exception covers production" if {
	count(_exceptions) == 0
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("exception %v has no %s", [object.get(e, "id", i), field]),
	sprintf("$.exceptions[%d].%s", [i, field]),
	"complete the exception: policy reference, reason, approver, expiry, compensating controls and usage limits",
) if {
	some i, e in _exceptions
	some field in values.missing(e, ["id", "policy_ref", "reason", "approved_by", "expires_at", "compensating_controls", "usage_limits"])
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("exception %s expired at %s", [e.id, e.expires_at]),
	sprintf("$.exceptions[%d].expires_at", [i]),
	"resolve the underlying issue, or have the exception renewed with a new expiry",
) if {
	some i, e in _exceptions
	dates.in_past(e.expires_at)
}

required_approvals contains result.approval_requirement(
	rego.metadata.chain(),
	lib.settings.exception_approver.role,
	lib.settings.exception_approver.count,
	"senior management approves the policy exceptions in force",
)
