# METADATA
# title: Validators independent of development, ownership and use
# description: |
#   The validation names its validators, none of whom authored the change, develops,
#   owns or uses the model, and an independence attestation describing the validators'
#   reporting line is on file.
# custom:
#   control_id: SR117-VAL-02
#   framework: SR 11-7 / SR 26-2
#   section: SR 11-7 §V (independence) and §VI Roles; SR 26-2 §VI (conflicts of interest)
#   severity: critical
#   stages: [production]
#   effective_from_data: [sr117, guidances, "SR 11-7", effective_from]
package gate.controls.sr117["val-02"]

import data.gate.lib.result
import data.gate.lib.values

control := result.control(rego.metadata.chain())

_validation := object.get(input.bundle, "validation", {})

_validators := {v | some v in object.get(_validation, "validator_ids", [])}

# Everyone with a stake in the model, and how.
_stakes[login] contains "change author" if {
	some login in object.get(input.bundle, ["change", "author_ids"], [])
}

_stakes[login] contains "developer" if {
	some login in object.get(input.bundle, ["inventory", "developer_ids"], [])
}

_stakes[login] contains "owner" if {
	login := input.bundle.inventory.owner_id
}

_stakes[login] contains "user" if {
	some login in object.get(input.bundle, ["model", "user_group_ids"], [])
}

deny contains result.violation(
	rego.metadata.chain(),
	"the validation names no validators",
	"$.validation.validator_ids",
	"record the logins of the validators who performed the validation",
) if {
	count(_validators) == 0
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("validator %s is also %s of the model", [login, concat(" and ", sort(_stakes[login]))]),
	"$.validation.validator_ids",
	"have the model validated by someone with no part in its development, ownership or use",
) if {
	some login in _validators
	_stakes[login]
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the independence attestation has no %s", [field]),
	sprintf("$.validation.independence_attestation.%s", [field]),
	"file the validators' independence attestation, describing their reporting line",
) if {
	some field in values.missing(object.get(_validation, "independence_attestation", {}), ["uri", "reporting_line"])
}
