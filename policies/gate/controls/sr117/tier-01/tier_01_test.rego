package gate.controls.sr117["tier-01_test"]

import data.gate.controls.sr117.fixtures_test as fx
import data.gate.controls.sr117["tier-01"] as control

test_success_documented_tier if {
	control.deny == set() with input as fx.input_at("merge", fx.bundle)
	control.warn == set() with input as fx.input_at("merge", fx.bundle)
}

test_fail_missing_tiering if {
	fx.paths(control.deny) == {
		"$.model.tiering.exposure",
		"$.model.tiering.purpose",
		"$.model.tiering.rationale_uri",
	} with input as fx.input_at("merge", fx.without(["/model/tiering"]))
}

test_fail_unknown_tier if {
	fx.paths(control.deny) == {"$.model.risk_tier"} with input as fx.input_at("merge", fx.patched({"model": {"risk_tier": "extreme"}}))
}

test_fail_low_tier_for_high_risk_ai_warns if {
	fx.paths(control.warn) == {"$.model.risk_tier"} with input as fx.input_at("merge", fx.patched({"model": {"risk_tier": "low"}}))
	fx.paths(control.warn) == {"$.model.risk_tier"} with input as fx.input_at("merge", fx.patched({"model": {"risk_tier": "low"}, "eu_ai_act": {"applicable": false}, "fda": {"device_function": true}}))
}

test_success_low_tier_without_external_high_risk if {
	control.warn == set() with input as fx.input_at("merge", fx.patched({"model": {"risk_tier": "low"}, "eu_ai_act": {"applicable": false}}))
}

test_success_mrm_approval_only_at_configured_stages if {
	control.required_approvals == set() with input as fx.input_at("merge", fx.bundle)
	control.required_approvals == {{
		"control_id": "SR117-TIER-01",
		"role": "mrm",
		"count": 1,
		"reason": "model risk management approves the high risk tier",
	}} with input as fx.input_at("production", fx.bundle)
}

test_success_mrm_approval_count_from_data if {
	{r.count | some r in control.required_approvals} == {2} with input as fx.input_at("production", fx.bundle)
		with data.gate.overrides as {"sr117": {"tiers": {"high": {"approvers": {"mrm": 2}}}}}
	control.required_approvals == set() with input as fx.input_at("production", fx.bundle)
		with data.gate.overrides as {"sr117": {"tiers": {"high": {"approvers": {"mrm": 0}}}}}
}

test_success_metadata_names_both_guidances if {
	control.control.id == "SR117-TIER-01"
	contains(control.control.section, "SR 11-7")
	contains(control.control.section, "SR 26-2")
}
