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
