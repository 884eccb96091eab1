# METADATA
# title: Validated before production, for this exact artefact
# description: |
#   A completed validation, with a record id, a scope, a completion time not in the
#   future and outcome approved or conditional, exists for the artefact being promoted
#   (its digest matches) and completed no earlier than that artefact was signed (a
#   validation cannot have assessed an artefact that did not exist yet). The validation
#   team's assessment is recorded: its conclusion on fitness for the intended use, and
#   its own review of the back-testing, sensitivity analysis and benchmarking, each with
#   a conclusion and judged satisfactory. Independent validators sign every production promotion
#   (count: the shared tier setting tiers.<tier>.production_approvers.validator,
#   documented in the README as the organisation override for validator counts).
# custom:
#   control_id: SR117-VAL-01
#   framework: SR 11-7 / SR 26-2
#   section: SR 11-7 §V (validation before use; scope); SR 26-2 §V (validation)
#   severity: critical
#   stages: [production]
#   effective_from_data: [sr117, guidances, "SR 11-7", effective_from]
package gate.controls.sr117["val-01"]

import data.gate.lib.config
import data.gate.lib.dates
import data.gate.lib.result
import data.gate.lib.values

control := result.control(rego.metadata.chain())

_validation := object.get(input.bundle, "validation", {})

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the validation record has no %s", [field]),
	sprintf("$.validation.%s", [field]),
	"complete the independent validation and record its id, scope and completion time",
) if {
	some field in values.missing(_validation, ["record_id", "scope", "completed_at"])
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
	dates.in_future(_validation.completed_at)
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the validation completion time %v is not an RFC 3339 time", [_validation.completed_at]),
	"$.validation.completed_at",
	"record when the validation completed as an RFC 3339 time, e.g. 2026-10-20T16:00:00Z",
) if {
	values.present(_validation.completed_at)
	dates.invalid_time(_validation.completed_at)
}

_signed_at := input.bundle.artifact.signature.signed_at

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the validation completed at %s, before the artefact was signed at %s: it cannot have assessed this artefact", [_validation.completed_at, _signed_at]),
	"$.validation.completed_at",
	"validate the artefact being promoted, after it was built and signed",
) if {
	dates.before(_validation.completed_at, _signed_at)
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the artefact signing time %v is not an RFC 3339 time", [_signed_at]),
	"$.artifact.signature.signed_at",
	"record when the artefact was signed as an RFC 3339 time",
) if {
	values.present(_signed_at)
	dates.invalid_time(_signed_at)
}

deny contains result.violation(
	rego.metadata.chain(),
	"the validation states no conclusion on the model's fitness for its intended use",
	"$.validation.conclusion",
	"record the validation team's conclusion on whether the model is fit for its intended use",
) if {
	not values.text(object.get(_validation, "conclusion", null))
}

_reviews := {"backtest": "back-testing", "sensitivity": "sensitivity analysis", "benchmark": "benchmarking"}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the validation records no conclusion of its review of the %s", [what]),
	sprintf("$.validation.%s.conclusion", [field]),
	sprintf("record the validator's own review of the %s and its conclusion", [what]),
) if {
	some field, what in _reviews
	not values.text(object.get(_validation, [field, "conclusion"], null))
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the validator does not judge the %s satisfactory (satisfactory: %v)", [what, object.get(_validation, [field, "satisfactory"], "missing")]),
	sprintf("$.validation.%s.satisfactory", [field]),
	sprintf("resolve the validator's concerns about the %s until they judge it satisfactory", [what]),
) if {
	some field, what in _reviews
	object.get(_validation, [field, "satisfactory"], null) != true
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
