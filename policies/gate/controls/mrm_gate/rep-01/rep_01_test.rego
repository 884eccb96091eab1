package gate.controls.mrm_gate["rep-01_test"]

import data.gate.controls.mrm_gate["rep-01"] as control

_sha := "cbc5f722ba1a06a9ade9194b59a81992ed413e825a31e1075e041079a242d531"

_rep := {
	"git_commit": "46955eda4c13726b609071049f8c56231f1565f5",
	"data_snapshots": [{"path": "data/train.parquet", "md5": "47f14903c9a82531cbcc67a8c90d34ca"}],
	"environment": {"python": "3.11.9", "image_digest": "sha256:4d0facd44515f7e2b02b6b685a9c6e30cddb7e9e207fc91128618167d2e2aca4"},
	"hyperparameters": {"C": 0.5, "penalty": "l2"},
	"seed": 7,
	"training_command": "python train.py",
	"artifact_sha256": _sha,
	"reproduced_artifact_sha256": _sha,
}

_bundle(rep) := {
	"model": {"risk_tier": "high"},
	"artifact": {"digest": concat(":", ["sha256", _sha])},
	"reproducibility": rep,
}

_paths(rep, stage) := {v.evidence_path | some v in vs} if {
	vs := control.deny with input as {"bundle": _bundle(rep), "stage": stage}
}

test_success_complete_record if {
	_paths(_rep, "production") == set()
}

test_success_reproduction_not_yet_needed_at_merge if {
	_paths(object.remove(_rep, ["reproduced_artifact_sha256"]), "merge") == set()
}

test_fail_reproduction_missing_at_production_for_high_tier if {
	_paths(object.remove(_rep, ["reproduced_artifact_sha256"]), "production") == {"$.reproducibility.reproduced_artifact_sha256"}
}

test_fail_reproduction_differs if {
	rep := object.union(_rep, {"reproduced_artifact_sha256": concat("", ["0", substring(_sha, 1, 63)])})
	_paths(rep, "merge") == {"$.reproducibility.reproduced_artifact_sha256"}
}

test_fail_missing_references if {
	_paths({}, "merge") == {
		"$.reproducibility.git_commit", "$.reproducibility.seed",
		"$.reproducibility.training_command", "$.reproducibility.artifact_sha256",
		"$.reproducibility.data_snapshots", "$.reproducibility.environment",
		"$.reproducibility.hyperparameters",
	}
}

test_fail_snapshot_without_hash if {
	rep := object.union(_rep, {"data_snapshots": [{"path": "x"}]})
	_paths(rep, "merge") == {"$.reproducibility.data_snapshots[0]"}
}

test_fail_training_output_is_not_the_gated_artefact if {
	other := concat("", ["1", substring(_sha, 1, 63)])
	rep := object.union(_rep, {"artifact_sha256": other, "reproduced_artifact_sha256": other})
	_paths(rep, "merge") == {"$.reproducibility.artifact_sha256"}
}

test_fail_environment_and_hyperparameters_missing if {
	_paths(object.remove(_rep, ["environment", "hyperparameters"]), "merge") == {"$.reproducibility.environment", "$.reproducibility.hyperparameters"}
}

test_fail_environment_named_but_not_pinned if {
	rep := object.union(object.remove(_rep, ["environment", "hyperparameters"]), {"environment": {"python": "3.11.9", "image_digest": "python:3.11", "lockfile_sha256": "abc"}, "hyperparameters": {}})
	_paths(rep, "merge") == {"$.reproducibility.environment", "$.reproducibility.hyperparameters"}
}

test_success_lock_file_pins_the_environment if {
	rep := object.union(object.remove(_rep, ["environment"]), {"environment": {"lockfile_sha256": "718905b3d20db3e6facd893316fda430ed79c5a0d0e2afd6cbe22c142226b48e"}})
	_paths(rep, "production") == set()
}
