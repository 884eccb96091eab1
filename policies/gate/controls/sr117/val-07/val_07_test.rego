package gate.controls.sr117["val-07_test"]

import data.gate.controls.sr117.fixtures_test as fx
import data.gate.controls.sr117["val-07"] as control

_non_material := fx.patched({"change": {"type": "non_material", "affected_components": ["config", "code"]}})

test_success_material_change_validated if {
	control.deny == set() with input as fx.input_at("production", fx.bundle)
	control.warn == set() with input as fx.input_at("production", fx.bundle)
	control.required_approvals == set() with input as fx.input_at("production", fx.bundle)
}

test_fail_unclassified_change if {
	fx.paths(control.deny) == {
		"$.change.type",
		"$.change.classification_rationale",
		"$.change.materiality_rules_version",
	} with input as fx.input_at("merge", fx.without(["/change/type", "/change/classification_rationale", "/change/materiality_rules_version"]))
}

test_fail_material_change_without_change_validation if {
	b := fx.patched({
		"change": {"type": "material"},
		"validation": {"scope": "limited", "artifact_digest": "sha256:1111111111111111111111111111111111111111111111111111111111111111"},
	})
	fx.paths(control.deny) == {"$.validation.scope", "$.validation.artifact_digest"} with input as fx.input_at("production", b)
	control.deny == set() with input as fx.input_at("merge", b)
}

test_success_non_material_change_needs_no_validation if {
	b := fx.patched({"change": {"type": "non_material", "affected_components": ["code"]}, "validation": {"scope": "limited"}})
	control.deny == set() with input as fx.input_at("production", b)
	control.warn == set() with input as fx.input_at("production", b)
}

test_fail_classification_override_needs_mrm if {
	fx.paths(control.warn) == {"$.change.type"} with input as fx.input_at("merge", _non_material)
	control.required_approvals == set() with input as fx.input_at("merge", _non_material)
	control.required_approvals == {{
		"control_id": "SR117-VAL-07",
		"role": "mrm",
		"count": 1,
		"reason": "model risk management confirms a change classified as not material although it touches material components",
	}} with input as fx.input_at("production", _non_material)
}

test_success_override_depends_on_tier if {
	b := fx.patched({"model": {"risk_tier": "low"}, "change": {"type": "non_material", "affected_components": ["config", "code"]}})
	control.warn == set() with input as fx.input_at("production", b)
}

test_success_metadata_names_both_guidances if {
	control.control.id == "SR117-VAL-07"
	contains(control.control.section, "SR 11-7")
	contains(control.control.section, "SR 26-2")
}

# Where each stage-bound rule fires, written down from the control as it stood when the
# stage moved from the rule's body into the policy data: exactly these stages.
test_success_change_validation_checked_exactly_at_production if {
	b := fx.patched({
		"change": {"type": "material"},
		"validation": {"scope": "limited", "artifact_digest": "sha256:1111111111111111111111111111111111111111111111111111111111111111"},
	})
	{[stage, path] |
		some stage in ["merge", "staging", "production", "monitoring"]
		found := fx.paths(control.deny) with input as fx.input_at(stage, b)
		some path in found
		path in {"$.validation.scope", "$.validation.artifact_digest"}
	} == {["production", "$.validation.scope"], ["production", "$.validation.artifact_digest"]}
}

test_success_change_validation_stages_are_policy_data if {
	b := fx.patched({"change": {"type": "material"}, "validation": {"scope": "limited"}})
	found := fx.paths(control.deny) with input as fx.input_at("merge", b)
		with data.gate.overrides as {"sr117": {"change_validation_stages": ["merge"]}}
	"$.validation.scope" in found
}
