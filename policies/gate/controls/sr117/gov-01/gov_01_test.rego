package gate.controls.sr117["gov-01_test"]

import data.gate.controls.sr117.fixtures_test as fx
import data.gate.controls.sr117["gov-01"] as control

test_success_challenge_on_record if {
	control.deny == set() with input as fx.input_at("production", fx.bundle)
}

test_fail_no_challenge_log if {
	fx.paths(control.deny) == {"$.validation.effective_challenge_log_uri"} with input as fx.input_at("production", fx.without(["/validation/effective_challenge_log_uri"]))
}

test_fail_unknown_tier if {
	fx.paths(control.deny) == {"$.model.risk_tier"} with input as fx.input_at("production", fx.patched({"model": {"risk_tier": "extreme"}}))
}

test_success_committee_for_high_tier if {
	control.required_approvals == {{
		"control_id": "SR117-GOV-01",
		"role": "model_risk_committee",
		"count": 1,
		"reason": "model_risk_committee approves production use of a high-tier model",
	}} with input as fx.input_at("production", fx.bundle)
}

test_success_mrm_for_medium_tier if {
	{[r.role, r.count] | some r in control.required_approvals} == {["mrm", 1]} with input as fx.input_at("production", fx.patched({"model": {"risk_tier": "medium"}}))
}

test_success_organisation_names_executive if {
	over := {"sr117": {"tiers": {"high": {"governance_approvers": {"model_risk_committee": 0, "executive": 2}}}}}
	{[r.role, r.count] | some r in control.required_approvals} == {["executive", 2]} with input as fx.input_at("production", fx.bundle)
		with data.gate.overrides as over
}

test_success_metadata_names_both_guidances if {
	control.control.id == "SR117-GOV-01"
	contains(control.control.section, "SR 11-7")
	contains(control.control.section, "SR 26-2")
}
