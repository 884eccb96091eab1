# METADATA
# title: The deployed artefact is the validated one, under change control
# description: |
#   The artefact being promoted has the digest the validation covered, is signed
#   (signature verified) with build provenance, comes from a logged CI run on the
#   recorded commit, and the repository's branch protection lets only reviewed changes
#   in (settings sr117.tiers.<tier>.min_required_reviews, administrators included).
# custom:
#   control_id: SR117-IMP-01
#   framework: SR 11-7 / SR 26-2
#   section: SR 11-7 §IV (implementation) and §V ongoing monitoring (process verification); SR 26-2 §V
#   severity: critical
#   stages: [staging, production]
#   effective_from_data: [sr117, guidances, "SR 11-7", effective_from]
package gate.controls.sr117["imp-01"]

import data.gate.controls.sr117.lib
import data.gate.lib.result
import data.gate.lib.values

control := result.control(rego.metadata.chain())

_artifact := object.get(input.bundle, "artifact", {})

_protection := object.get(input.bundle, ["security", "branch_protection"], {})

_min_reviews := object.get(lib.tier, "min_required_reviews", 1)

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the artefact has no %s", [field]),
	sprintf("$.artifact.%s", [field]),
	"build the artefact in CI, sign it and record its digest, provenance and commit",
) if {
	some field in values.missing(_artifact, ["digest", "signature", "provenance", "commit_sha"])
}

deny contains result.violation(
	rego.metadata.chain(),
	"the artefact being promoted is not the one validated",
	"$.validation.artifact_digest",
	"promote the validated artefact, or validate this one",
) if {
	object.get(input.bundle, ["validation", "artifact_digest"], "") != object.get(_artifact, "digest", "-")
}

deny contains result.violation(
	rego.metadata.chain(),
	"the artefact signature was not verified",
	"$.artifact.signature.verified",
	"verify the artefact signature when collecting evidence",
) if {
	values.present(object.get(_artifact, "signature", {}))
	object.get(_artifact, ["signature", "verified"], false) != true
}

deny contains result.violation(
	rego.metadata.chain(),
	"the change has no CI run on record",
	"$.change.ci_run_id",
	"build and test the change in CI and record the run id",
) if {
	not values.present(object.get(input.bundle, ["change", "ci_run_id"], ""))
}

deny contains result.violation(
	rego.metadata.chain(),
	"CI ran on a different commit from the one the artefact was built from",
	"$.change.ci_commit_sha",
	"rebuild the artefact from the commit CI tested",
) if {
	object.get(input.bundle, ["change", "ci_commit_sha"], "") != object.get(_artifact, "commit_sha", "-")
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("branch protection requires %v review(s); the %s tier needs %d", [object.get(_protection, "required_reviews", 0), input.bundle.model.risk_tier, _min_reviews]),
	"$.security.branch_protection.required_reviews",
	"raise the required reviews in the repository's branch protection",
) if {
	object.get(_protection, "required_reviews", 0) < _min_reviews
}

deny contains result.violation(
	rego.metadata.chain(),
	"branch protection does not bind administrators",
	"$.security.branch_protection.enforce_admins",
	"enforce branch protection for administrators so no one can change the code unreviewed",
) if {
	object.get(_protection, "enforce_admins", false) != true
}
