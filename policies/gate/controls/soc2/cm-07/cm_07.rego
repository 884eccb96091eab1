# METADATA
# title: Emergency changes justified, approved retroactively and reviewed
# description: |
#   An emergency change records its reason and the follow-up validation ticket that runs
#   the normal path afterwards. Retroactive approval comes within the tier's window of the
#   change starting, and the post-implementation review within the tier's review period;
#   before those deadlines their absence only warns. A named approver signs.
# custom:
#   control_id: SOC2-CM-07
#   framework: SOC 2
#   section: TSC CC8.1 (provides for changes needed in emergencies)
#   severity: high
#   stages: [production]
package gate.controls.soc2["cm-07"]

import data.gate.lib.config
import data.gate.lib.result
import data.gate.lib.values

control := result.control(rego.metadata.chain())

_settings := config.settings.soc2

_tier := object.get(_settings.tiers, object.get(input.bundle, ["model", "risk_tier"], ""), _settings.tiers.high)

_change := object.get(input.bundle, "change", {})

_emergency := object.get(_change, "emergency", {})

not_applicable_reason := sprintf("not an emergency change (change.type is %v)", [object.get(_change, "type", "unset")]) if {
	object.get(_change, "type", "") != "emergency"
}

_hour_ns := 3600 * 1000000000

_now := time.parse_rfc3339_ns(input.context.now)

_started := time.parse_rfc3339_ns(_change.first_commit_at)

_approval_due := _started + (_tier.emergency_window_hours * _hour_ns)

_review_due := _started + ((_tier.emergency_pir_days * 24) * _hour_ns)

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the emergency change has no %s", [field]),
	sprintf("$.change.emergency.%s", [field]),
	"record why the change could not wait and the ticket that puts it through normal validation afterwards",
) if {
	some field in ["reason", "followup_validation_ticket"]
	not values.text(object.get(_emergency, field, null))
}

deny contains result.violation(
	rego.metadata.chain(),
	"the emergency change has no valid start time",
	"$.change.first_commit_at",
	"record when work on the emergency change started (RFC 3339)",
) if {
	not _started
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the emergency window is %v hours; this tier allows at most %v", [object.get(_emergency, "window_hours", "unset"), _tier.emergency_window_hours]),
	"$.change.emergency.window_hours",
	"record the retro-approval window of the emergency procedure, within the policy maximum",
) if {
	not object.get(_emergency, "window_hours", 999999) <= _tier.emergency_window_hours
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("retroactive approval came after the %v-hour window", [_tier.emergency_window_hours]),
	"$.change.emergency.retro_approval_at",
	"obtain retroactive approval within the window and escalate the breach",
) if {
	time.parse_rfc3339_ns(_emergency.retro_approval_at) > _approval_due
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("no retroactive approval within the %v-hour window", [_tier.emergency_window_hours]),
	"$.change.emergency.retro_approval_at",
	"obtain and record the retroactive approval now and escalate the breach",
) if {
	not values.text(object.get(_emergency, "retro_approval_at", null))
	_now > _approval_due
}

warn contains result.violation(
	rego.metadata.chain(),
	sprintf("retroactive approval is still outstanding; it is due within %v hours of the change", [_tier.emergency_window_hours]),
	"$.change.emergency.retro_approval_at",
	"obtain and record the retroactive approval before the window closes",
) if {
	not values.text(object.get(_emergency, "retro_approval_at", null))
	_now <= _approval_due
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("no post-implementation review within %v days", [_tier.emergency_pir_days]),
	"$.change.emergency.pir_uri",
	"hold the post-implementation review and link its record",
) if {
	not values.text(object.get(_emergency, "pir_uri", null))
	_now > _review_due
}

warn contains result.violation(
	rego.metadata.chain(),
	sprintf("the post-implementation review is still outstanding; it is due within %v days", [_tier.emergency_pir_days]),
	"$.change.emergency.pir_uri",
	"hold the post-implementation review and link its record",
) if {
	not values.text(object.get(_emergency, "pir_uri", null))
	_now <= _review_due
}

required_approvals contains result.approval_requirement(
	rego.metadata.chain(),
	_settings.emergency_approval_role,
	1,
	"an emergency change needs a retroactive approval",
)
