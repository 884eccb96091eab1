package gate.controls.soc2["cm-07_test"]

import data.gate.controls.soc2["cm-07"] as control

_change := {
	"type": "emergency",
	"first_commit_at": "2026-11-28T10:00:00Z",
	"emergency": {
		"reason": "Scoring outage",
		"retro_approval_at": "2026-11-28T20:00:00Z",
		"window_hours": 24,
		"pir_uri": "docs/pir.md",
		"followup_validation_ticket": "VAL-9",
	},
}

_input(change, tier, now) := {"bundle": {"model": {"risk_tier": tier}, "change": change}, "context": {"now": now}}

_now := "2026-11-30T12:00:00Z"

test_success_emergency_handled if {
	control.deny == set() with input as _input(_change, "high", _now)
	control.warn == set() with input as _input(_change, "high", _now)
	reqs := control.required_approvals with input as _input(_change, "high", _now)
	{[r.role, r.count] | some r in reqs} == {["mrm", 1]}
}

test_fail_nothing_recorded if {
	ds := control.deny with input as _input({"type": "emergency"}, "high", _now)
	{v.evidence_path | some v in ds} == {
		"$.change.emergency.reason", "$.change.emergency.followup_validation_ticket",
		"$.change.first_commit_at", "$.change.emergency.window_hours",
	}
}

test_fail_late_approval_and_wide_window if {
	c := object.union(_change, {"emergency": {"retro_approval_at": "2026-11-29T12:00:00Z", "window_hours": 72}})
	ds := control.deny with input as _input(c, "high", _now)
	{v.msg | some v in ds} == {
		"the emergency window is 72 hours; this tier allows at most 24",
		"retroactive approval came after the 24-hour window",
	}
}

test_fail_overdue_approval_and_review if {
	c := json.remove(_change, ["emergency/retro_approval_at", "emergency/pir_uri"])
	ds := control.deny with input as _input(c, "high", "2026-12-10T12:00:00Z")
	{v.evidence_path | some v in ds} == {"$.change.emergency.retro_approval_at", "$.change.emergency.pir_uri"}
}

test_success_pending_approval_and_review_only_warn if {
	c := json.remove(_change, ["emergency/retro_approval_at", "emergency/pir_uri"])
	control.deny == set() with input as _input(c, "medium", "2026-11-29T12:00:00Z")
	ws := control.warn with input as _input(c, "medium", "2026-11-29T12:00:00Z")
	{v.evidence_path | some v in ws} == {"$.change.emergency.retro_approval_at", "$.change.emergency.pir_uri"}
}

test_success_not_applicable_to_normal_change if {
	r := control.not_applicable_reason with input as _input({"type": "material"}, "high", _now)
	r == "not an emergency change (change.type is material)"
}

test_success_metadata if {
	control.control.id == "SOC2-CM-07"
}
