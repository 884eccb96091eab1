# METADATA
# title: Model is in the inventory with a complete record
# description: |
#   The model has a firm-wide inventory record naming its purpose, permitted and
#   restricted uses, inputs, outputs, owner, developers, validators, status and
#   validation dates, and links the gated artefact to the registry: the inventory
#   record's uri and the artefact's registered name. A promotion needs a promotable
#   inventory status (settings sr117.promotable_inventory_statuses) at the stages of
#   settings sr117.inventory_status_stages (production).
# custom:
#   control_id: SR117-INV-01
#   framework: SR 11-7 / SR 26-2
#   section: SR 11-7 §VI Model Inventory; SR 26-2 §VI (inventory)
#   severity: high
#   stages: [merge, production]
#   effective_from_data: [sr117, guidances, "SR 11-7", effective_from]
package gate.controls.sr117["inv-01"]

import data.gate.controls.sr117.lib
import data.gate.lib.result
import data.gate.lib.values

control := result.control(rego.metadata.chain())

_inventory := object.get(input.bundle, "inventory", {})

_model := object.get(input.bundle, "model", {})

_inventory_fields := [
	"record_id", "status", "owner_id", "developer_ids", "validator_ids",
	"permitted_uses", "restricted_uses", "inputs", "outputs",
	"last_validation_date", "next_validation_due", "uri",
]

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the inventory record has no %s", [field]),
	sprintf("$.inventory.%s", [field]),
	sprintf("record %s in the model's inventory entry and collect it into the bundle", [field]),
) if {
	some field in values.missing(_inventory, _inventory_fields)
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the model has no %s", [field]),
	sprintf("$.model.%s", [field]),
	sprintf("state the model's %s in its documentation", [field]),
) if {
	some field in values.missing(_model, ["id", "version", "intended_purpose"])
}

deny contains result.violation(
	rego.metadata.chain(),
	"the artefact has no registered name linking it to the model registry",
	"$.artifact.name",
	"record the name under which the release pipeline registers the artefact",
) if {
	not values.present(object.get(input.bundle, ["artifact", "name"], null))
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("inventory status %s may not be promoted to production (allowed: %s)", [status, concat(", ", lib.settings.promotable_inventory_statuses)]),
	"$.inventory.status",
	"have model risk management move the inventory record to an approved status first",
) if {
	input.stage in lib.settings.inventory_status_stages
	status := _inventory.status
	values.present(status)
	not status in lib.settings.promotable_inventory_statuses
}
