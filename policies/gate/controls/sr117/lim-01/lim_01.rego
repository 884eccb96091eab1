# METADATA
# title: Limitations recorded; output overlays sized, approved and time-limited
# description: |
#   The model's limitations are recorded with their impact and the control that
#   compensates for each. Every overlay or manual adjustment of outputs is described,
#   sized, has a recorded approver and an expiry in the future. While an overlay is
#   in force, model risk management approves the promotion (settings
#   sr117.mrm_approval_stages and sr117.tiers.<tier>.approvers.mrm).
# custom:
#   control_id: SR117-LIM-01
#   framework: SR 11-7 / SR 26-2
#   section: SR 11-7 §III (limits on use; supplementing outputs) and §IV (model use); SR 26-2 §VI
#   severity: high
#   stages: [merge, production]
#   effective_from_data: [sr117, guidances, "SR 11-7", effective_from]
package gate.controls.sr117["lim-01"]

import data.gate.controls.sr117.lib
import data.gate.lib.dates
import data.gate.lib.result
import data.gate.lib.values

control := result.control(rego.metadata.chain())

_items := object.get(input.bundle, ["limitations", "items"], [])

_overlays := object.get(input.bundle, ["limitations", "overlays"], [])

deny contains result.violation(
	rego.metadata.chain(),
	"no model limitations are recorded",
	"$.limitations.items",
	"record the model's limitations and assumptions, with their impact and compensating controls",
) if {
	count(_items) == 0
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("limitation %d has no %s", [i, field]),
	sprintf("$.limitations.items[%d].%s", [i, field]),
	"state the limitation's impact and the control that compensates for it",
) if {
	some i, item in _items
	some field in values.missing(item, ["description", "impact", "compensating_control"])
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("overlay %v has no %s", [object.get(overlay, "id", i), field]),
	sprintf("$.limitations.overlays[%d].%s", [i, field]),
	"document each overlay: what it does, its size, who approved it and when it expires",
) if {
	some i, overlay in _overlays
	some field in values.missing(overlay, ["id", "description", "magnitude", "approved_by", "expires_at"])
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("overlay %s expired at %s", [overlay.id, overlay.expires_at]),
	sprintf("$.limitations.overlays[%d].expires_at", [i]),
	"remove the overlay, or have it re-approved with a new expiry",
) if {
	some i, overlay in _overlays
	dates.in_past(overlay.expires_at)
}

required_approvals contains result.approval_requirement(
	rego.metadata.chain(),
	"mrm",
	object.get(lib.tier, ["approvers", "mrm"], 1),
	"model risk management approves the output overlays in force",
) if {
	count(_overlays) > 0
	input.stage in lib.settings.mrm_approval_stages
}
