# METADATA
# title: Conceptual soundness reviewed by the validator
# description: |
#   The validation documents its review of the model's design, assumptions and
#   developmental evidence, lists the assumptions it reviewed and reaches a conclusion.
#   The validator's judgement itself is signed at production (validator approval).
# custom:
#   control_id: SR117-VAL-03
#   framework: SR 11-7 / SR 26-2
#   section: SR 11-7 §V key element 1 (conceptual soundness); SR 26-2 §V
#   severity: high
#   stages: [staging]
#   effective_from: "2011-04-04"
package gate.controls.sr117["val-03"]

import data.gate.controls.sr117.lib
import data.gate.lib.result

control := result.control(rego.metadata.chain())

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the conceptual soundness review has no %s", [field]),
	sprintf("$.validation.conceptual_soundness.%s", [field]),
	"have the validator document the conceptual soundness review: report, assumptions reviewed and conclusion",
) if {
	review := object.get(input.bundle, ["validation", "conceptual_soundness"], {})
	some field in lib.missing(review, ["uri", "conclusion", "reviewed_assumptions"])
}
