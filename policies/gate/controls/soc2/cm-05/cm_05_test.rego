package gate.controls.soc2["cm-05_test"]

import data.gate.controls.soc2["cm-05"] as control

_digest := "sha256:cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc"

_bundle := {
	"artifact": {"digest": _digest, "signature": {"format": "sigstore", "verified": true}, "provenance": {"format": "slsa", "uri": "att.jsonl"}},
	"validation": {"artifact_digest": _digest},
	"inventory": {"developer_ids": ["dana-dev"]},
	"change": {"author_ids": ["lee-dev"], "deployer_id": "svc-release", "deploy_via_pipeline": true},
	"collected": {"git": {"authors": [{"login": "pat-dev", "name": "Pat"}], "committers": [{"name": "Unmapped"}]}},
}

_input(b) := {"bundle": b, "context": {"pull_request": {"author": "sam-dev"}}}

test_success_pipeline_deploy_of_validated_signed_artefact if {
	control.deny == set() with input as _input(_bundle)
}

test_fail_nothing_recorded if {
	ds := control.deny with input as _input({})
	{v.evidence_path | some v in ds} == {
		"$.artifact.digest", "$.artifact.signature.verified", "$.artifact.provenance",
		"$.change.deploy_via_pipeline", "$.change.deployer_id",
	}
}

test_fail_unvalidated_digest if {
	b := object.union(_bundle, {"validation": {"artifact_digest": "sha256:dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd"}})
	ds := control.deny with input as _input(b)
	{v.evidence_path | some v in ds} == {"$.validation.artifact_digest"}
}

test_fail_deployer_wrote_the_change if {
	every who in ["lee-dev", "dana-dev", "pat-dev", "sam-dev"] {
		ds := control.deny with input as _input(object.union(_bundle, {"change": {"deployer_id": who}}))
		{v.msg | some v in ds} == {sprintf("%s deploys a change they wrote", [who])}
	}
}

test_success_metadata if {
	control.control.id == "SOC2-CM-05"
}
