package gate.controls.fda["pccp-04_test"]

import data.gate.controls.fda["pccp-04"] as control

_fda := {
	"device_function": true,
	"device_version": "2.3.0",
	"previous_device_version": "2.2.1",
	"labeling": {"updated_at": "2026-11-18T10:00:00Z"},
	"user_communication_uri": "docs/release-notes.md",
	"pccp": {"authorized_version": "PCCP-1.2", "modification_ids": ["M2-new-sites"]},
}

_change := {"type": "material", "first_commit_at": "2026-02-12T11:00:00Z", "pccp": {"modification_id": "M2-new-sites", "within_bounds": true}}

_input(fda, change) := {
	"bundle": {"fda": fda, "change": change},
	"context": {"now": "2026-11-30T12:00:00Z"},
}

_pairs(ds) := {[v.evidence_path, v.msg] | some v in ds}

test_success_release_versioned_and_traced if {
	control.deny == set() with input as _input(_fda, _change)
}

test_success_first_release_and_non_semver_versions if {
	control.deny == set() with input as _input(json.remove(_fda, ["previous_device_version"]), _change)
	control.deny == set() with input as _input(object.union(_fda, {"device_version": "B", "previous_device_version": "A"}), _change)
}

test_fail_nothing_recorded if {
	ds := control.deny with input as _input({"device_function": true}, {"type": "material"})
	_pairs(ds) == {
		["$.fda.device_version", "the device version being released is not recorded"],
		["$.fda.labeling.updated_at", "the labeling update time is missing or not an RFC 3339 time"],
		["$.fda.user_communication_uri", "the communication to users about this release is not linked"],
		["$.fda.pccp.authorized_version", "the release does not trace to the authorised PCCP version"],
		["$.change.pccp.modification_id", "the release does not trace to a modification of the authorised PCCP"],
	}
}

test_fail_version_not_incremented_and_stale_labeling if {
	fda := object.union(_fda, {"device_version": "2.2.1", "labeling": {"updated_at": "2026-01-05T00:00:00Z"}})
	ds := control.deny with input as _input(fda, _change)
	_pairs(ds) == {
		["$.fda.device_version", "the device version 2.2.1 is not higher than the version on the market, 2.2.1"],
		["$.fda.labeling.updated_at", "the labeling was last updated at 2026-01-05T00:00:00Z, before work on this change began at 2026-02-12T11:00:00Z"],
	}
}

test_fail_same_non_semver_version_and_future_labeling if {
	fda := object.union(_fda, {"device_version": "B", "previous_device_version": "B", "labeling": {"updated_at": "2026-12-24T00:00:00Z"}})
	ds := control.deny with input as _input(fda, _change)
	_pairs(ds) == {
		["$.fda.device_version", "the device version B is not higher than the version on the market, B"],
		["$.fda.labeling.updated_at", "the labeling update time 2026-12-24T00:00:00Z is later than now (2026-11-30T12:00:00Z)"],
	}
}

test_success_not_applicable_to_config_change if {
	r := control.not_applicable_reason with input as {"bundle": {"fda": {"device_function": true}, "change": {"type": "non_material", "affected_components": ["config"]}}}
	r == "the non_material change touches neither the model nor its data, so no PCCP modification is involved"
}

test_success_metadata if {
	control.control.id == "FDA-PCCP-04"
	control.control.framework == "FDA GMLP / PCCP"
}
