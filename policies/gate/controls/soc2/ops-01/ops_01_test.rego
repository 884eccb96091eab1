package gate.controls.soc2["ops-01_test"]

import data.gate.controls.soc2["ops-01"] as control

_bundle := {
	"security": {"vuln_scan": {"critical": 0, "high": 1, "scanned_at": "2026-11-25T02:00:00Z"}},
	"ops": {
		"alerting": {"configured": true, "channels": ["pagerduty:ml"]},
		"runbook_uri": "docs/runbook.md",
		"rollback_tested_at": "2026-11-03T10:00:00Z",
	},
}

_input(b) := {"bundle": b, "context": {"now": "2026-11-30T12:00:00Z"}}

test_success_operationally_ready if {
	control.deny == set() with input as _input(_bundle)
}

test_fail_nothing_recorded if {
	ds := control.deny with input as _input({})
	{v.evidence_path | some v in ds} == {
		"$.security.vuln_scan.scanned_at", "$.security.vuln_scan.critical", "$.security.vuln_scan.high",
		"$.ops.alerting", "$.ops.runbook_uri", "$.ops.rollback_tested_at",
	}
}

test_fail_critical_vulnerability_silent_alerts_old_rehearsal if {
	b := object.union(_bundle, {
		"security": {"vuln_scan": {"critical": 2}},
		"ops": {"alerting": {"channels": []}, "rollback_tested_at": "2026-01-01T00:00:00Z"},
	})
	ds := control.deny with input as _input(b)
	{v.msg | some v in ds} == {
		"the vulnerability scan reports 2 unresolved critical finding(s), or no count",
		"anomaly alerting is not configured with at least one channel",
		"rollback was not rehearsed in the last 180 days",
	}
}

test_success_metadata if {
	control.control.id == "SOC2-OPS-01"
}
