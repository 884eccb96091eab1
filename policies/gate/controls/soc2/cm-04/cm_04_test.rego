package gate.controls.soc2["cm-04_test"]

import data.gate.controls.soc2["cm-04"] as control

_digest := "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

_head := "46955eda4c13726b609071049f8c56231f1565f5"

_bundle := {
	"model": {"risk_tier": "high"},
	"inventory": {"developer_ids": ["dana-dev"], "owner_id": "omar-owner"},
	"change": {"author_ids": ["dana-dev", "lee-dev"]},
	"security": {"branch_protection": {"required_reviews": 2, "dismiss_stale": true, "enforce_admins": true}},
}

_approval(login, role) := {
	"role": role, "login": login, "via": "review", "commit_sha": _head,
	"bundle_digest": _digest, "verified": true,
}

_pr := {"author": "lee-dev", "head_sha": _head, "commits": [{"sha": _head, "author": "lee-dev", "committer": "lee-dev"}]}

_input(bundle, pr, approvals) := {
	"bundle": bundle,
	"context": {"bundle_digest": _digest, "pull_request": pr},
	"approvals": approvals,
}

test_success_outside_pull_request_settings_suffice if {
	control.deny == set() with input as {"bundle": _bundle, "context": {"bundle_digest": _digest}, "approvals": []}
}

test_success_two_independent_reviewers if {
	apps := [_approval("vera-validator", "validator"), _approval("rob-reviewer", "mrm")]
	control.deny == set() with input as _input(_bundle, _pr, apps)
}

test_fail_author_and_stale_approvals_do_not_count if {
	apps := [
		_approval("vera-validator", "validator"),
		_approval("vera-validator", "mrm"),
		_approval("lee-dev", "validator"),
		object.union(_approval("rob-reviewer", "validator"), {"commit_sha": "0000000000000000000000000000000000000000"}),
	]
	ds := control.deny with input as _input(_bundle, _pr, apps)
	{v.msg | some v in ds} == {"1 independent approval(s) on the current commit; this tier needs 2"}
}

test_fail_weak_branch_protection_and_no_authors if {
	b := object.union(json.remove(_bundle, ["change"]), {"security": {"branch_protection": {"required_reviews": 1, "dismiss_stale": false}}})
	ds := control.deny with input as _input(b, _pr, [])
	{v.evidence_path | some v in ds} == {
		"$.change.author_ids", "$.security.branch_protection.required_reviews",
		"$.security.branch_protection.dismiss_stale", "$.context.pull_request",
	}
}

test_success_low_tier_needs_one_review if {
	b := object.union(_bundle, {"model": {"risk_tier": "low"}, "security": {"branch_protection": {"required_reviews": 1}}})
	control.deny == set() with input as _input(b, _pr, [_approval("vera-validator", "validator")])
}

test_fail_unknown_tier_needs_the_most_reviews if {
	b := object.union(_bundle, {"model": {"risk_tier": "unknown"}, "security": {"branch_protection": {"required_reviews": 1}}})
	ds := control.deny with input as {"bundle": b, "context": {}, "approvals": []}
	{v.msg | some v in ds} == {"branch protection requires 1 review(s); this tier needs at least 2"}
}

test_success_metadata if {
	control.control.id == "SOC2-CM-04"
}
