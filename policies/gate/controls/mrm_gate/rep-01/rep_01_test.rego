package gate.controls.mrm_gate["rep-01_test"]

import data.gate.controls.mrm_gate["rep-01"] as control

_sha := "cbc5f722ba1a06a9ade9194b59a81992ed413e825a31e1075e041079a242d531"

_rep := {
	"git_commit": "46955eda4c13726b609071049f8c56231f1565f5",
	"data_snapshots": [{"path": "data/train.parquet", "md5": "47f14903c9a82531cbcc67a8c90d34ca"}],
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
		"$.reproducibility.data_snapshots",
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
