package gate.controls.fda["gmlp-04_test"]

import data.gate.controls.fda["gmlp-04"] as control

_split := {
	"method": "patient",
	"leakage_checks": {"entity_overlap": 0, "entity_key": "patient_id"},
	"test_frozen_at": "2026-03-01T12:00:00Z",
	"training_started_at": "2026-03-15T08:00:00Z",
}

_input(split) := {"bundle": {"fda": {"device_function": true}, "data": {"split": split}}}

_pairs(ds) := {[v.evidence_path, v.msg] | some v in ds}

test_success_patient_split_frozen_first if {
	control.deny == set() with input as _input(_split)
}

test_fail_nothing_recorded if {
	ds := control.deny with input as {"bundle": {"fda": {"device_function": true}}}
	_pairs(ds) == {
		["$.data.split.method", "the data is split by an unrecorded method, not by patient, site, device"],
		["$.data.split.leakage_checks.entity_overlap", "the leakage check found an unknown number of entities in both train and test, or was not run"],
		["$.data.split.test_frozen_at", "data.split.test_frozen_at is not an RFC 3339 time"],
		["$.data.split.training_started_at", "data.split.training_started_at is not an RFC 3339 time"],
	}
}

test_fail_random_split_with_leakage_and_late_freeze if {
	split := object.union(_split, {
		"method": "random",
		"leakage_checks": {"entity_overlap": 12},
		"test_frozen_at": "2026-03-20T00:00:00Z",
	})
	ds := control.deny with input as _input(split)
	_pairs(ds) == {
		["$.data.split.method", "the data is split by random, not by patient, site, device"],
		["$.data.split.leakage_checks.entity_overlap", "the leakage check found 12 entities in both train and test, or was not run"],
		["$.data.split.test_frozen_at", "the test set was frozen at 2026-03-20T00:00:00Z, not before training started at 2026-03-15T08:00:00Z"],
	}
}

test_success_not_applicable_without_device_function if {
	r := control.not_applicable_reason with input as {"bundle": {}}
	r == "the model is not a device software function (fda.device_function is not true)"
}

test_success_metadata if {
	control.control.id == "FDA-GMLP-04"
	control.control.framework == "FDA GMLP / PCCP"
}
