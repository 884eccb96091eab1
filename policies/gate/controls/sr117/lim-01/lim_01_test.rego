package gate.controls.sr117["lim-01_test"]

import data.gate.controls.sr117.fixtures_test as fx
import data.gate.controls.sr117["lim-01"] as control

test_success_limitations_and_overlay_documented if {
	control.deny == set() with input as fx.input_at("production", fx.bundle)
}

test_fail_no_limitations if {
	fx.paths(control.deny) == {"$.limitations.items"} with input as fx.input_at("merge", fx.without(["/limitations"]))
}

test_fail_incomplete_limitation_and_overlay if {
	b := fx.patched({"limitations": {
		"items": [{"description": "thin files"}],
		"overlays": [{"id": "OVL-1", "magnitude": 0.01, "expires_at": "2027-01-01T00:00:00Z"}],
	}})
	fx.paths(control.deny) == {
		"$.limitations.items[0].impact",
		"$.limitations.items[0].compensating_control",
		"$.limitations.overlays[0].description",
		"$.limitations.overlays[0].approved_by",
	} with input as fx.input_at("merge", b)
}

test_fail_expired_overlay if {
	b := json.patch(fx.bundle, [{"op": "replace", "path": "/limitations/overlays/0/expires_at", "value": "2026-11-01T00:00:00Z"}])
	{v.msg | some v in control.deny} == {"overlay OVL-2026-07 expired at 2026-11-01T00:00:00Z"} with input as fx.input_at("merge", b)
}

test_success_overlay_needs_mrm_at_production if {
	control.required_approvals == set() with input as fx.input_at("merge", fx.bundle)
	{[r.role, r.count] | some r in control.required_approvals} == {["mrm", 1]} with input as fx.input_at("production", fx.bundle)
	control.required_approvals == set() with input as fx.input_at("production", fx.patched({"limitations": {"overlays": []}}))
}

test_success_metadata_names_both_guidances if {
	control.control.id == "SR117-LIM-01"
	contains(control.control.section, "SR 11-7")
	contains(control.control.section, "SR 26-2")
}
