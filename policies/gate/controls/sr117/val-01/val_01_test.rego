package gate.controls.sr117["val-01_test"]

import data.gate.controls.sr117.fixtures_test as fx
import data.gate.controls.sr117["val-01"] as control

test_success_validated_artefact if {
	control.deny == set() with input as fx.input_at("production", fx.bundle)
}

test_fail_rejected_validation_full_violation if {
	control.deny == {{
		"control_id": "SR117-VAL-01",
		"framework": "SR 11-7 / SR 26-2",
		"section": "SR 11-7 §V (validation before use; scope); SR 26-2 §V (validation)",
		"severity": "critical",
		"title": "Validated before production, for this exact artefact",
		"msg": "validation outcome is rejected; production needs approved or conditional",
		"remediation": "finish the validation with an approved or conditional outcome",
		"evidence_path": "$.validation.outcome",
	}} with input as fx.input_at("production", fx.patched({"validation": {"outcome": "rejected"}}))
}

test_fail_no_validation if {
	fx.paths(control.deny) == {
		"$.validation.record_id",
		"$.validation.scope",
		"$.validation.completed_at",
		"$.validation.outcome",
		"$.validation.artifact_digest",
		"$.validation.conclusion",
		"$.validation.backtest.conclusion",
		"$.validation.backtest.satisfactory",
		"$.validation.sensitivity.conclusion",
		"$.validation.sensitivity.satisfactory",
		"$.validation.benchmark.conclusion",
		"$.validation.benchmark.satisfactory",
	} with input as fx.input_at("production", fx.without(["/validation"]))
}

test_fail_other_artefact_and_future_completion if {
	b := fx.patched({"validation": {
		"artifact_digest": "sha256:1111111111111111111111111111111111111111111111111111111111111111",
		"completed_at": "2026-12-01T00:00:00Z",
	}})
	fx.paths(control.deny) == {
		"$.validation.artifact_digest",
		"$.validation.completed_at",
	} with input as fx.input_at("production", b)
}

test_success_validator_signs_with_count_from_data if {
	control.required_approvals == {{
		"control_id": "SR117-VAL-01",
		"role": "validator",
		"count": 1,
		"reason": "an independent validator signs every production promotion",
	}} with input as fx.input_at("production", fx.bundle)
	{r.count | some r in control.required_approvals} == {2} with input as fx.input_at("production", fx.bundle)
		with data.gate.overrides as {"tiers": {"high": {"production_approvers": {"validator": 2}}}}
}

test_success_metadata_names_both_guidances if {
	control.control.id == "SR117-VAL-01"
	contains(control.control.section, "SR 11-7")
	contains(control.control.section, "SR 26-2")
}

_validation_with(patch) := fx.patched({"validation": object.union(fx.bundle.validation, patch)})

test_fail_validation_completed_before_the_artefact_was_signed if {
	# signed 2026-07-21 (fixture); a validation completed in January names it
	b := _validation_with({"completed_at": "2026-01-15T10:00:00Z"})
	control.deny == {{
		"control_id": "SR117-VAL-01",
		"framework": "SR 11-7 / SR 26-2",
		"section": "SR 11-7 §V (validation before use; scope); SR 26-2 §V (validation)",
		"severity": "critical",
		"title": "Validated before production, for this exact artefact",
		"msg": "the validation completed at 2026-01-15T10:00:00Z, before the artefact was signed at 2026-07-21T11:02:00Z: it cannot have assessed this artefact",
		"remediation": "validate the artefact being promoted, after it was built and signed",
		"evidence_path": "$.validation.completed_at",
	}} with input as fx.input_at("production", b)
}

test_fail_unparseable_completion_times_are_violations if {
	every ts in ["TBD", "2026-13-45T00:00:00Z", "9999-01-01T00:00:00Z", "1000-01-01T00:00:00Z"] {
		fx.paths(control.deny) == {"$.validation.completed_at"} with input as fx.input_at("production", _validation_with({"completed_at": ts}))
	}
}

test_fail_no_fitness_conclusion if {
	fx.paths(control.deny) == {"$.validation.conclusion"} with input as fx.input_at("production", _validation_with({"conclusion": " "}))
}

test_fail_reviews_missing if {
	b := fx.without(["/validation/backtest", "/validation/sensitivity", "/validation/benchmark"])
	fx.paths(control.deny) == {
		"$.validation.backtest.conclusion",
		"$.validation.backtest.satisfactory",
		"$.validation.sensitivity.conclusion",
		"$.validation.sensitivity.satisfactory",
		"$.validation.benchmark.conclusion",
		"$.validation.benchmark.satisfactory",
	} with input as fx.input_at("production", b)
}

test_fail_sensitivity_review_unsatisfactory if {
	b := _validation_with({"sensitivity": {"conclusion": "PD jumps by 0.3 under a 5% income shock.", "satisfactory": false}})
	{v.msg | some v in control.deny} == {"the validator does not judge the sensitivity analysis satisfactory (satisfactory: false)"} with input as fx.input_at("production", b)
}
