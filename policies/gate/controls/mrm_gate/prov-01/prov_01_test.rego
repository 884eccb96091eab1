package gate.controls.mrm_gate["prov-01_test"]

import data.gate.controls.mrm_gate["prov-01"] as control

_sha := "46955eda4c13726b609071049f8c56231f1565f5"

_bundle := {
	"provenance": {"sources": [{"path": "docs/model.yml", "sha256": "ab"}]},
	"collected": {"git": {"commit": _sha}},
}

_paths(bundle, context) := {v.evidence_path | some v in vs} if {
	vs := control.deny with input as {"bundle": bundle, "context": context}
}

test_success_collected_outside_a_pull_request if {
	_paths(_bundle, {}) == set()
}

test_success_collected_at_the_head_commit if {
	_paths(_bundle, {"pull_request": {"head_sha": _sha}}) == set()
}

test_fail_collected_for_an_earlier_push if {
	_paths(_bundle, {"pull_request": {"head_sha": "0000000000000000000000000000000000000000"}}) == {"$.collected.git.commit"}
}

test_fail_hand_written_bundle if {
	_paths({}, {}) == {"$.provenance.sources", "$.collected.git.commit"}
}

_merge := "9c1ee8c9a1dbc4b6c1b1b0a52b7e3f1e1d9e0a11"

_deployed := object.union(_bundle, {"collected": {"git": {"commit": _merge}, "ci": {"ref": "refs/heads/main"}}})

_merged := {"pull_request": {"head_sha": _sha, "base_ref": "main", "merged": true, "merge_commit_sha": _merge}}

test_success_deploy_of_the_merge_commit_of_the_merged_pull_request if {
	_paths(_deployed, _merged) == set()
}

test_fail_deploy_of_a_commit_the_pull_request_did_not_merge if {
	_paths(_deployed, json.patch(_merged, [{"op": "replace", "path": "/pull_request/merge_commit_sha", "value": _sha}])) == {"$.collected.git.commit"}
}

test_fail_deploy_of_the_merge_commit_of_a_pull_request_not_merged if {
	_paths(_deployed, json.patch(_merged, [{"op": "replace", "path": "/pull_request/merged", "value": false}])) == {"$.collected.git.commit"}
}

test_fail_deploy_from_another_branch_than_the_one_merged_into if {
	_paths(_deployed, json.patch(_merged, [{"op": "replace", "path": "/pull_request/base_ref", "value": "release"}])) == {"$.collected.git.commit"}
}

test_fail_deploy_whose_run_names_no_branch if {
	_paths(object.union(_bundle, {"collected": {"git": {"commit": _merge}}}), _merged) == {"$.collected.git.commit"}
}
