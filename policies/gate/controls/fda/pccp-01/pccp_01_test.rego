package gate.controls.fda["pccp-01_test"]

import data.gate.controls.fda["pccp-01"] as control

_pccp := {
	"authorized_version": "PCCP-1.2",
	"modification_ids": ["M1-recalibration", "M2-new-sites"],
	"bounds": {"sensitivity": {"min": 0.92}, "sites_added": {"max": 5}},
	"protocol": {"performance_eval": {"results": {"sensitivity": 0.95}}},
}

_link := {"modification_id": "M2-new-sites", "within_bounds": true}

_input(pccp, link) := {"bundle": {
	"fda": {"device_function": true, "pccp": pccp},
	"change": {"type": "material", "pccp": link},
}}

_pairs(ds) := {[v.evidence_path, v.msg] | some v in ds}

test_success_change_within_authorised_pccp if {
	control.deny == set() with input as _input(_pccp, _link)
}

test_fail_no_pccp_and_no_link if {
	ds := control.deny with input as {"bundle": {"fda": {"device_function": true}, "change": {"type": "material"}}}
	_pairs(ds) == {
		["$.fda.pccp.authorized_version", "the authorised PCCP version is not recorded"],
		["$.fda.pccp.modification_ids", "the authorised PCCP lists no modifications"],
		["$.fda.pccp.bounds", "the authorised PCCP states no bounds"],
		["$.change.pccp.modification_id", "the change implements no recorded modification, which is not a modification of the authorised PCCP"],
		["$.change.pccp.within_bounds", "the change does not declare that it stays within the PCCP bounds"],
	}
}

test_fail_unlisted_modification_blocks if {
	ds := control.deny with input as _input(_pccp, {"modification_id": "M9-new-indication", "within_bounds": true})
	ds == {{
		"control_id": "FDA-PCCP-01",
		"framework": "FDA GMLP / PCCP",
		"section": "PCCP guidance, Description of Modifications; FD&C Act §515C",
		"severity": "critical",
		"title": "Change matches a modification of the authorised PCCP and stays within its bounds",
		"msg": "the change implements M9-new-indication, which is not a modification of the authorised PCCP",
		"evidence_path": "$.change.pccp.modification_id",
		"remediation": "this change needs a new marketing submission (or an amended PCCP authorised by FDA) before it can be released",
	}}
}

test_fail_outside_bounds if {
	pccp := json.patch(_pccp, [{"op": "replace", "path": "/protocol/performance_eval/results/sensitivity", "value": 0.9}])
	ds := control.deny with input as _input(pccp, {"modification_id": "M2-new-sites", "within_bounds": false})
	_pairs(ds) == {
		["$.change.pccp.within_bounds", "the change does not declare that it stays within the PCCP bounds"],
		["$.fda.pccp.protocol.performance_eval.results.sensitivity", "sensitivity is 0.9, outside the PCCP bound >= 0.92"],
	}
}

test_success_not_applicable_outside_model_changes if {
	r := control.not_applicable_reason with input as {"bundle": {"fda": {"device_function": true}, "change": {"type": "documentation"}}}
	r == "the documentation change touches neither the model nor its data, so no PCCP modification is involved"
	r2 := control.not_applicable_reason with input as {"bundle": {"fda": {"device_function": false}}}
	r2 == "the model is not a device software function (fda.device_function is not true)"
	not control.not_applicable_reason with input as _input(_pccp, _link)
}

test_success_metadata if {
	control.control.id == "FDA-PCCP-01"
	control.control.framework == "FDA GMLP / PCCP"
}
