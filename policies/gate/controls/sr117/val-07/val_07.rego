# METADATA
# title: Changes classified by materiality; material changes validated
# description: |
#   Every change is classified under a versioned materiality policy with a rationale.
#   At the stages of settings sr117.change_validation_stages (production) a material
#   change (settings sr117.material_change_types) needs a
#   validation of the changed artefact with a change or full scope (settings
#   sr117.change_validation_scopes). A change classified as not material that touches
#   components the tier treats as material (settings
#   sr117.tiers.<tier>.material_change_components) is a classification override: it
#   warns and needs model risk management's approval.
# custom:
#   control_id: SR117-VAL-07
#   framework: SR 11-7 / SR 26-2
#   section: SR 11-7 §V (material changes validated before implementation); SR 26-2 §V
#   severity: high
#   stages: [merge, production]
#   effective_from_data: [sr117, guidances, "SR 11-7", effective_from]
package gate.controls.sr117["val-07"]

import data.gate.controls.sr117.lib
import data.gate.lib.result
import data.gate.lib.values

control := result.control(rego.metadata.chain())

_change := object.get(input.bundle, "change", {})

_validation := object.get(input.bundle, "validation", {})

_material if _change.type in lib.settings.material_change_types

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the change has no %s", [field]),
	sprintf("$.change.%s", [field]),
	"classify the change as material or not under the written materiality policy, citing its version and your rationale",
) if {
	some field in values.missing(_change, ["type", "classification_rationale", "materiality_rules_version"])
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("a %s change needs a validation of scope %s; the validation's scope is %v", [_change.type, concat(" or ", lib.settings.change_validation_scopes), object.get(_validation, "scope", "missing")]),
	"$.validation.scope",
	"have the change validated with a proportionate scope before release",
) if {
	input.stage in lib.settings.change_validation_stages
	_material
	not object.get(_validation, "scope", "") in lib.settings.change_validation_scopes
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the %s change was not validated: the validation covers another artefact", [_change.type]),
	"$.validation.artifact_digest",
	"validate the changed artefact before release",
) if {
	input.stage in lib.settings.change_validation_stages
	_material
	object.get(_validation, "artifact_digest", "") != object.get(input.bundle, ["artifact", "digest"], "-")
}

# Components the tier treats as material that a non-material change touches.
_overridden := {c |
	values.present(object.get(_change, "type", ""))
	not _material
	some c in object.get(_change, "affected_components", [])
	c in object.get(lib.tier, "material_change_components", [])
}

warn contains result.violation(
	rego.metadata.chain(),
	sprintf("the change is classified %s but touches %s, which the %s-tier rules treat as material", [_change.type, concat(", ", sort(_overridden)), input.bundle.model.risk_tier]),
	"$.change.type",
	"confirm the classification with model risk management, or reclassify the change as material",
) if {
	count(_overridden) > 0
}

required_approvals contains result.approval_requirement(
	rego.metadata.chain(),
	"mrm",
	object.get(lib.tier, ["approvers", "mrm"], 1),
	"model risk management confirms a change classified as not material although it touches material components",
) if {
	count(_overridden) > 0
	input.stage in lib.settings.mrm_approval_stages
}
