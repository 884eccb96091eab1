package gate.controls.soc2["cm-08_test"]

import data.gate.controls.soc2["cm-08"] as control

_bundle := {
	"security": {"pii_scan": {"scanned_at": "2026-11-20T03:00:00Z", "non_prod_pii_found": 0}},
	"data": {"datasets": [
		{"name": "train", "env": "development", "masking_method": "pseudonymised"},
		{"name": "live", "env": "production", "masking_method": "none"},
	]},
}

_input(b) := {"bundle": b, "context": {"now": "2026-11-30T12:00:00Z"}}

test_success_masked_and_scanned if {
	control.deny == set() with input as _input(_bundle)
}

test_fail_no_scan if {
	ds := control.deny with input as _input({})
	{v.evidence_path | some v in ds} == {"$.security.pii_scan.scanned_at", "$.security.pii_scan.non_prod_pii_found"}
}

test_fail_old_scan_findings_and_unmasked_data if {
	b := json.patch(_bundle, [
		{"op": "replace", "path": "/security/pii_scan", "value": {"scanned_at": "2026-09-01T00:00:00Z", "non_prod_pii_found": 3}},
		{"op": "add", "path": "/data/datasets/-", "value": {"name": "fixture"}},
	])
	ds := control.deny with input as _input(b)
	{v.msg | some v in ds} == {
		"no personal-data scan of non-production data in the last 30 days",
		"the personal-data scan found 3 unmasked finding(s), or its result is not recorded",
		"dataset fixture is outside production without masking (masking_method unset)",
	}
	{v.evidence_path | some v in ds} == {
		"$.security.pii_scan.scanned_at", "$.security.pii_scan.non_prod_pii_found",
		"$.data.datasets[2].masking_method",
	}
}

test_success_metadata if {
	control.control.id == "SOC2-CM-08"
}
