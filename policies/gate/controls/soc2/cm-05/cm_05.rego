# METADATA
# title: Production deploys only through the pipeline, from the signed, validated artefact
# description: |
#   The artefact being deployed has a digest, a verified signature and build provenance,
#   and it is the digest that was validated. The deploy runs through the pipeline, and the
#   deploying identity is a service principal or a person who did not write the change.
# custom:
#   control_id: SOC2-CM-05
#   framework: SOC 2
#   section: TSC CC8.1 (deploys system changes); CC6.1; CC6.3
#   severity: critical
#   stages: [production]
package gate.controls.soc2["cm-05"]

import data.gate.lib.result
import data.gate.lib.values

control := result.control(rego.metadata.chain())

_artifact := object.get(input.bundle, "artifact", {})

_change := object.get(input.bundle, "change", {})

deny contains result.violation(
	rego.metadata.chain(),
	"the artefact has no digest",
	"$.artifact.digest",
	"hash the artefact and record its sha256 digest",
) if {
	not values.text(object.get(_artifact, "digest", null))
}

deny contains result.violation(
	rego.metadata.chain(),
	"the artefact's signature is missing or was not verified",
	"$.artifact.signature.verified",
	"sign the artefact in the release pipeline and verify the signature",
) if {
	object.get(_artifact, ["signature", "verified"], false) != true
}

deny contains result.violation(
	rego.metadata.chain(),
	"the artefact has no build provenance",
	"$.artifact.provenance",
	"attach a build provenance attestation (for example SLSA) to the artefact",
) if {
	not values.text(object.get(_artifact, ["provenance", "uri"], null))
}

deny contains result.violation(
	rego.metadata.chain(),
	"the artefact being deployed is not the one that was validated",
	"$.validation.artifact_digest",
	"deploy the validated artefact, or validate this one",
) if {
	values.text(object.get(_artifact, "digest", null))
	object.get(input.bundle, ["validation", "artifact_digest"], "") != _artifact.digest
}

deny contains result.violation(
	rego.metadata.chain(),
	"the deploy does not go through the pipeline",
	"$.change.deploy_via_pipeline",
	"deploy only through the release pipeline",
) if {
	object.get(_change, "deploy_via_pipeline", false) != true
}

deny contains result.violation(
	rego.metadata.chain(),
	"the deploying identity is not recorded",
	"$.change.deployer_id",
	"record the identity (service principal) that deploys the change",
) if {
	not values.text(object.get(_change, "deployer_id", null))
}

# Everyone who wrote the change: declared authors, developers, and collected git and PR identities.
_writers contains a if some a in object.get(_change, "author_ids", [])

_writers contains a if some a in object.get(input.bundle, ["inventory", "developer_ids"], [])

_writers contains p.login if {
	some kind in ["authors", "committers"]
	some p in object.get(input.bundle, ["collected", "git", kind], [])
}

_writers contains input.context.pull_request.author

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("%s deploys a change they wrote", [_change.deployer_id]),
	"$.change.deployer_id",
	"deploy through a service principal or by someone who did not write the change",
) if {
	_change.deployer_id in _writers
}
