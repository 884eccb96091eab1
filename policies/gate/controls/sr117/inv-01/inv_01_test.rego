package gate.controls.sr117["inv-01_test"]

import data.gate.controls.sr117.fixtures_test as fx
import data.gate.controls.sr117["inv-01"] as control

test_success_complete_record if {
	control.deny == set() with input as fx.input_at("production", fx.bundle)
}

test_fail_missing_record_id_full_violation if {
	control.deny == {{
		"control_id": "SR117-INV-01",
		"framework": "SR 11-7 / SR 26-2",
		"section": "SR 11-7 §VI Model Inventory; SR 26-2 §VI (inventory)",
		"severity": "high",
		"title": "Model is in the inventory with a complete record",
		"msg": "the inventory record has no record_id",
		"remediation": "record record_id in the model's inventory entry and collect it into the bundle",
		"evidence_path": "$.inventory.record_id",
	}} with input as fx.input_at("merge", fx.without(["/inventory/record_id"]))
}

test_fail_empty_lists_and_missing_purpose if {
	b := fx.patched({"inventory": {"developer_ids": [], "restricted_uses": []}, "model": {"intended_purpose": ""}})
	fx.paths(control.deny) == {
		"$.inventory.developer_ids",
		"$.inventory.restricted_uses",
		"$.model.intended_purpose",
	} with input as fx.input_at("merge", b)
}

test_fail_no_inventory_at_all if {
	count(control.deny) == 12 with input as fx.input_at("merge", fx.without(["/inventory"]))
}

test_fail_retired_model_not_promoted if {
	fx.paths(control.deny) == {"$.inventory.status"} with input as fx.input_at("production", fx.patched({"inventory": {"status": "retired"}}))
}

test_success_status_only_checked_at_production if {
	control.deny == set() with input as fx.input_at("merge", fx.patched({"inventory": {"status": "development"}}))
}

test_success_metadata_names_both_guidances if {
	control.control.id == "SR117-INV-01"
	contains(control.control.section, "SR 11-7")
	contains(control.control.section, "SR 26-2")
}

test_fail_registry_linkage_removed if {
	fx.paths(control.deny) == {"$.inventory.uri", "$.artifact.name"} with input as fx.input_at("merge", fx.without(["/inventory/uri", "/artifact/name"]))
}

# Where each stage-bound rule fires, written down from the control as it stood when the
# stage moved from the rule's body into the policy data: exactly these stages.
test_success_inventory_status_checked_exactly_at_production if {
	b := fx.patched({"inventory": {"status": "retired"}})
	{stage |
		some stage in ["merge", "staging", "production", "monitoring"]
		found := fx.paths(control.deny) with input as fx.input_at(stage, b)
		"$.inventory.status" in found
	} == {"production"}
}

test_success_inventory_status_stages_are_policy_data if {
	b := fx.patched({"inventory": {"status": "retired"}})
	found := fx.paths(control.deny) with input as fx.input_at("staging", b)
		with data.gate.overrides as {"sr117": {"inventory_status_stages": ["staging"]}}
	"$.inventory.status" in found
}
