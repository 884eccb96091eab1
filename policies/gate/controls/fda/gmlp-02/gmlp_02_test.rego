package gate.controls.fda["gmlp-02_test"]

import data.gate.controls.fda["gmlp-02"] as control

_bundle := {
	"fda": {"device_function": true, "design_controls": {"traceability_uri": "docs/trace.xlsx"}, "risk_file_uri": "docs/risk.pdf"},
	"artifact": {"sbom_uri": "sbom.cdx.json"},
	"security": {"vuln_scan": {"critical": 0}},
}

test_success_engineering_records_kept if {
	control.deny == set() with input as {"bundle": _bundle}
}

test_fail_nothing_recorded if {
	ds := control.deny with input as {"bundle": {"fda": {"device_function": true}}}
	{v.evidence_path | some v in ds} == {
		"$.fda.design_controls.traceability_uri", "$.fda.risk_file_uri",
		"$.artifact.sbom_uri", "$.security.vuln_scan.critical",
	}
}

test_fail_critical_vulnerability if {
	ds := control.deny with input as {"bundle": object.union(_bundle, {"security": {"vuln_scan": {"critical": 1}}})}
	{v.msg | some v in ds} == {"the vulnerability scan reports 1 unresolved critical finding(s), or no scan is recorded"}
}

test_success_not_applicable_without_device_function if {
	r := control.not_applicable_reason with input as {"bundle": {}}
	r == "the model is not a device software function (fda.device_function is not true)"
}

test_success_metadata if {
	control.control.id == "FDA-GMLP-02"
}
