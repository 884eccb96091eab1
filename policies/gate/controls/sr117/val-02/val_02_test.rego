package gate.controls.sr117["val-02_test"]

import data.gate.controls.sr117.fixtures_test as fx
import data.gate.controls.sr117["val-02"] as control

test_success_independent_validators if {
	control.deny == set() with input as fx.input_at("production", fx.bundle)
}

test_fail_no_validators_no_attestation if {
	fx.paths(control.deny) == {
		"$.validation.validator_ids",
		"$.validation.independence_attestation.uri",
		"$.validation.independence_attestation.reporting_line",
	} with input as fx.input_at("production", fx.without(["/validation/validator_ids", "/validation/independence_attestation"]))
}

test_fail_conflicted_validators if {
	b := fx.patched({"validation": {"validator_ids": ["dana-dev", "omar-owner", "ursula-underwriter", "vera-validator"]}})
	{v.msg | some v in control.deny} == {
		"validator dana-dev is also change author and developer of the model",
		"validator omar-owner is also owner of the model",
		"validator ursula-underwriter is also user of the model",
	} with input as fx.input_at("production", b)
}

test_success_metadata_names_both_guidances if {
	control.control.id == "SR117-VAL-02"
	contains(control.control.section, "SR 11-7")
	contains(control.control.section, "SR 26-2")
}
