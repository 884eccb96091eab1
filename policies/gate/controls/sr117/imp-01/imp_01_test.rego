package gate.controls.sr117["imp-01_test"]

import data.gate.controls.sr117.fixtures_test as fx
import data.gate.controls.sr117["imp-01"] as control

test_success_validated_artefact_under_change_control if {
	control.deny == set() with input as fx.input_at("production", fx.bundle)
}

test_fail_unsigned_artefact_without_provenance if {
	fx.paths(control.deny) == {
		"$.artifact.signature",
		"$.artifact.provenance",
	} with input as fx.input_at("staging", fx.without(["/artifact/signature", "/artifact/provenance"]))
}

test_fail_different_artefact_and_unverified_signature if {
	b := fx.patched({"artifact": {
		"digest": "sha256:1111111111111111111111111111111111111111111111111111111111111111",
		"signature": {"verified": false},
	}})
	fx.paths(control.deny) == {
		"$.validation.artifact_digest",
		"$.artifact.signature.verified",
	} with input as fx.input_at("staging", b)
}

test_fail_no_ci_record if {
	fx.paths(control.deny) == {
		"$.change.ci_run_id",
		"$.change.ci_commit_sha",
	} with input as fx.input_at("staging", fx.without(["/change/ci_run_id", "/change/ci_commit_sha"]))
}

test_fail_weak_branch_protection if {
	b := fx.patched({"security": {"branch_protection": {"required_reviews": 1, "enforce_admins": false}}})
	fx.paths(control.deny) == {
		"$.security.branch_protection.required_reviews",
		"$.security.branch_protection.enforce_admins",
	} with input as fx.input_at("staging", b)
}

test_success_one_review_enough_for_medium_tier if {
	b := fx.patched({"model": {"risk_tier": "medium"}, "security": {"branch_protection": {"required_reviews": 1}}})
	control.deny == set() with input as fx.input_at("staging", b)
}

test_success_metadata_names_both_guidances if {
	control.control.id == "SR117-IMP-01"
	contains(control.control.section, "SR 11-7")
	contains(control.control.section, "SR 26-2")
}
