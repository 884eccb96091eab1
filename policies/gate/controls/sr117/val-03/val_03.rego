# METADATA
# title: Conceptual soundness reviewed by the validator
# description: |
#   The validation documents its review of the model's design, assumptions and
#   developmental evidence, lists the assumptions it reviewed and reaches a conclusion.
#   It reports the model's performance for every segment of the population that the
#   evaluation data (validation, test and out-of-time sets) declares, so a weak segment
#   cannot hide behind the overall figures.
#   The validator's judgement itself is signed at production (validator approval).
# custom:
#   control_id: SR117-VAL-03
#   framework: SR 11-7 / SR 26-2
#   section: SR 11-7 §V key element 1 (conceptual soundness); SR 26-2 §V
#   severity: high
#   stages: [staging]
#   effective_from_data: [sr117, guidances, "SR 11-7", effective_from]
package gate.controls.sr117["val-03"]

import data.gate.lib.result
import data.gate.lib.values

control := result.control(rego.metadata.chain())

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the conceptual soundness review has no %s", [field]),
	sprintf("$.validation.conceptual_soundness.%s", [field]),
	"have the validator document the conceptual soundness review: report, assumptions reviewed and conclusion",
) if {
	review := object.get(input.bundle, ["validation", "conceptual_soundness"], {})
	some field in values.missing(review, ["uri", "conclusion", "reviewed_assumptions"])
}

_evaluation_roles := {"validation", "test", "oot"}

# Segments ("attribute:segment") the evaluation datasets declare they represent.
_declared_segments contains segment if {
	some dataset in object.get(input.bundle, ["data", "datasets"], [])
	object.get(dataset, "role", "") in _evaluation_roles
	some segment in object.get(dataset, ["representativeness", "segments"], [])
	is_string(segment)
}

_reported_segments contains sprintf("%v:%v", [s.attribute, s.segment]) if {
	some s in object.get(input.bundle, ["validation", "metrics", "segments"], [])
	count(object.get(s, "metrics", {})) > 0
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the validation reports no metrics for segment %s of the evaluation data", [segment]),
	"$.validation.metrics.segments",
	"have the validator report the model's metrics for every segment the evaluation data represents",
) if {
	some segment in _declared_segments
	not segment in _reported_segments
}
