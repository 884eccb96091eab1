package gate.lib.approvals_test

import data.gate.lib.approvals

_digest := "sha256:1111111111111111111111111111111111111111111111111111111111111111"

_other_digest := "sha256:2222222222222222222222222222222222222222222222222222222222222222"

_head := "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1"

_old := "b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2"

_review(login) := {
	"role": "validator", "login": login, "via": "review", "url": "https://example.test/r/1",
	"at": "2026-11-30T10:00:00Z", "commit_sha": _head, "bundle_digest": _digest,
	"team": "acme-bank/model-validators", "verified": true,
}

_comment(login, digest) := {
	"role": "validator", "login": login, "via": "comment", "url": "https://example.test/c/1",
	"at": "2026-11-30T10:00:00Z", "commit_sha": "", "bundle_digest": digest,
	"team": "acme-bank/model-validators", "verified": true,
}

_pr := {
	"number": 7, "author": "dana-dev", "head_sha": _head, "base_ref": "main",
	"commits": [
		{"sha": _head, "author": "lee-dev", "committer": "carl-committer"},
		{"sha": _old, "author": "dana-dev", "committer": "dana-dev"},
	],
	"unmapped_commits": [],
}

_input(pr, approvals_list) := {
	"bundle": {"inventory": {"owner_id": "omar-owner", "developer_ids": ["dev-one", "dev-two"]}},
	"context": {"bundle_digest": _digest, "pull_request": pr},
	"approvals": approvals_list,
}

_no_pr_input(approvals_list) := {
	"bundle": {"inventory": {"owner_id": "omar-owner", "developer_ids": []}},
	"context": {"bundle_digest": _digest},
	"approvals": approvals_list,
}

_reasons(inp) := reasons if {
	rejected := approvals.rejected with input as inp
	reasons := {r.reason | some r in rejected}
}

_independence := "not independent: the approver authored, committed, co-authored, develops or owns the change"

_stale := "stale: given for another bundle digest or an earlier commit"

test_success_independent_review_at_head_counts if {
	inp := _input(_pr, [_review("vera-validator")])
	approvals.approvers("validator") == {"vera-validator"} with input as inp
	approvals.rejected == set() with input as inp
}

test_success_comment_bound_to_current_digest_counts if {
	inp := _input(_pr, [_comment("vera-validator", _digest)])
	approvals.approvers("validator") == {"vera-validator"} with input as inp
}

test_success_without_pull_request_only_digest_binds if {
	inp := _no_pr_input([object.union(_review("vera-validator"), {"commit_sha": _old})])
	approvals.approvers("validator") == {"vera-validator"} with input as inp
}

test_success_approvers_of_other_role_are_separate if {
	inp := _input(_pr, [_review("vera-validator")])
	approvals.approvers("legal") == set() with input as inp
}

test_fail_pr_author_cannot_approve if {
	inp := _input(_pr, [_comment("dana-dev", _digest)])
	approvals.approvers("validator") == set() with input as inp
	_reasons(inp) == {_independence}
}

test_fail_commit_author_cannot_approve if {
	inp := _input(_pr, [_review("lee-dev")])
	approvals.approvers("validator") == set() with input as inp
	_reasons(inp) == {_independence}
}

test_fail_committer_cannot_approve if {
	inp := _input(_pr, [_review("carl-committer")])
	approvals.approvers("validator") == set() with input as inp
}

test_fail_bundle_developer_cannot_approve if {
	inp := _input(_pr, [_review("dev-two")])
	approvals.approvers("validator") == set() with input as inp
}

test_fail_bundle_owner_cannot_approve if {
	inp := _input(_pr, [_review("omar-owner")])
	approvals.approvers("validator") == set() with input as inp
}

test_fail_unverified_member_does_not_count if {
	inp := _input(_pr, [object.union(_review("nick-nonmember"), {"verified": false})])
	approvals.approvers("validator") == set() with input as inp
	_reasons(inp) == {"not verified: the approver is not a member of the role's team"}
}

test_fail_review_of_earlier_commit_is_stale if {
	inp := _input(_pr, [object.union(_review("vera-validator"), {"commit_sha": _old})])
	approvals.approvers("validator") == set() with input as inp
	approvals.rejected == {{
		"role": "validator", "login": "vera-validator", "via": "review",
		"url": "https://example.test/r/1", "at": "2026-11-30T10:00:00Z",
		"commit_sha": _old, "bundle_digest": _digest, "reason": _stale,
	}} with input as inp
}

test_fail_comment_for_other_digest_is_stale if {
	inp := _input(_pr, [_comment("vera-validator", _other_digest)])
	approvals.approvers("validator") == set() with input as inp
	_reasons(inp) == {_stale}
}

test_fail_comment_naming_no_current_digest_is_listed_without_empty_fields if {
	inp := _input(_pr, [_comment("vera-validator", "")])
	approvals.rejected == {{
		"role": "validator", "login": "vera-validator", "via": "comment",
		"url": "https://example.test/c/1", "at": "2026-11-30T10:00:00Z", "reason": _stale,
	}} with input as inp
}

test_fail_comment_with_commit_sha_of_old_commit_is_stale if {
	inp := _input(_pr, [object.union(_comment("vera-validator", _digest), {"commit_sha": _old})])
	approvals.approvers("validator") == set() with input as inp
}

test_fail_unmapped_commit_makes_independence_unprovable if {
	pr := object.union(_pr, {"unmapped_commits": [_old]})
	inp := _input(pr, [_review("vera-validator")])
	approvals.approvers("validator") == set() with input as inp
	_reasons(inp) == {sprintf("independence unprovable: commit(s) %s have an author, committer or co-author without a GitHub login", [_old])}
}

test_fail_several_reasons_are_joined if {
	bad := object.union(_review("dana-dev"), {"verified": false, "commit_sha": _old})
	inp := _input(_pr, [bad])
	_reasons(inp) == {concat("; ", sort([
		_independence,
		"not verified: the approver is not a member of the role's team",
		_stale,
	]))}
}

test_fail_co_author_cannot_approve if {
	pr := object.union(_pr, {"commits": [{"sha": _head, "author": "lee-dev", "committer": "lee-dev", "co_authors": ["sam-suggester"]}]})
	inp := _input(pr, [_review("sam-suggester")])
	approvals.approvers("validator") == set() with input as inp
	_reasons(inp) == {_independence}
}

test_fail_logins_compare_case_insensitively if {
	inp := _input(_pr, [_review("Omar-Owner"), _review("DANA-dev")])
	approvals.approvers("validator") == set() with input as inp
}
