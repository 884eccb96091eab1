package gate.controls.soc2["cm-01_test"]

import data.gate.controls.soc2["cm-01"] as control

_sha := "46955eda4c13726b609071049f8c56231f1565f5"

_bundle := {
	"artifact": {"commit_sha": _sha},
	"change": {
		"ticket_id": "RISK-1",
		"ticket_approved_at": "2026-06-02T09:00:00Z",
		"first_commit_at": "2026-06-03T10:15:00Z",
		"commit_sha": _sha,
	},
}

test_success_authorised_and_linked if {
	control.deny == set() with input as {"bundle": _bundle}
}

test_fail_no_change_record if {
	ds := control.deny with input as {"bundle": {}}
	{v.evidence_path | some v in ds} == {
		"$.change.ticket_id", "$.change.commit_sha",
		"$.change.ticket_approved_at", "$.change.first_commit_at",
	}
}

test_fail_work_before_approval_and_unlinked_commit if {
	b := object.union(_bundle, {"change": {"ticket_approved_at": "2026-06-04T09:00:00Z", "commit_sha": "0000000000000000000000000000000000000000"}})
	ds := control.deny with input as {"bundle": b}
	{v.msg | some v in ds} == {
		"work started (2026-06-03T10:15:00Z) before the ticket was approved (2026-06-04T09:00:00Z)",
		"the change delivers commit 0000000000000000000000000000000000000000 but the artefact was built from 46955eda4c13726b609071049f8c56231f1565f5",
	}
}

test_success_metadata if {
	control.control.id == "SOC2-CM-01"
}
