# METADATA
# title: Validated before production, for this exact artefact
# description: |
#   A completed validation, with a record id, a scope, a completion time not in the
#   future and outcome approved or conditional, exists for the artefact being promoted
#   (its digest matches), and independent validators sign every production promotion
#   (count: the shared tier setting tiers.<tier>.production_approvers.validator,
#   documented in the README as the organisation override for validator counts).
# custom:
#   control_id: SR117-VAL-01
#   framework: SR 11-7 / SR 26-2
#   section: SR 11-7 §V (validation before use; scope); SR 26-2 §V (validation)
#   severity: critical
#   stages: [production]
#   effective_from: "2011-04-04"
package gate.controls.sr117["val-01"]

import data.gate.controls.sr117.lib
import data.gate.lib.config
import data.gate.lib.result

control := result.control(rego.metadata.chain())

_validation := object.get(input.bundle, "validation", {})

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the validation record has no %s", [field]),
	sprintf("$.validation.%s", [field]),
	"complete the independent validation and record its id, scope and completion time",
) if {
	some field in lib.missing(_validation, ["record_id", "scope", "completed_at"])
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("validation outcome is %v; production needs approved or conditional", [object.get(_validation, "outcome", "missing")]),
	"$.validation.outcome",
	"finish the validation with an approved or conditional outcome",
) if {
	not object.get(_validation, "outcome", "") in {"approved", "conditional"}
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the validation completes at %s, after now", [_validation.completed_at]),
	"$.validation.completed_at",
	"promote only after the validation has completed",
) if {
	lib.in_future(_validation.completed_at)
}

deny contains result.violation(
	rego.metadata.chain(),
	"the validated artefact digest differs from the artefact being promoted",
	"$.validation.artifact_digest",
	"validate this artefact, or promote the artefact that was validated",
) if {
	object.get(_validation, "artifact_digest", "") != object.get(input.bundle, ["artifact", "digest"], "-")
}

required_approvals contains result.approval_requirement(
	rego.metadata.chain(),
	"validator",
	object.get(config.tier, ["production_approvers", "validator"], 1),
	"an independent validator signs every production promotion",
)
