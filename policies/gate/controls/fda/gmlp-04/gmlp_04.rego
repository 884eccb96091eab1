# METADATA
# title: Training independent of test (patient/site/device split, no leakage, test frozen first)
# description: |
#   Data is split at a unit that keeps one patient's records on one side (settings
#   fda.split_methods), a leakage check finds no entity in both train and test, and the
#   test set was frozen before final training started.
# custom:
#   control_id: FDA-GMLP-04
#   framework: FDA GMLP / PCCP
#   section: GMLP Principle 4 (training data sets independent of test sets)
#   severity: high
#   stages: [merge]
#   effective_from_data: [fda, guidances, GMLP, effective_from]
package gate.controls.fda["gmlp-04"]

import data.gate.controls.fda.common
import data.gate.lib.result

control := result.control(rego.metadata.chain())

not_applicable_reason := common.device_reason

_split := object.get(input.bundle, ["data", "split"], {})

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the data is split by %v, not by %s", [object.get(_split, "method", "an unrecorded method"), concat(", ", common.settings.split_methods)]),
	"$.data.split.method",
	"split train and test by patient, site or device so no patient's records appear on both sides, and record data.split.method",
) if {
	not object.get(_split, "method", null) in common.settings.split_methods
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the leakage check found %v entities in both train and test, or was not run", [object.get(_split, ["leakage_checks", "entity_overlap"], "an unknown number of")]),
	"$.data.split.leakage_checks.entity_overlap",
	"run the entity-overlap check between train and test, remove the overlapping entities and record a zero overlap",
) if {
	object.get(_split, ["leakage_checks", "entity_overlap"], null) != 0
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("data.split.%s is not an RFC 3339 time", [field]),
	sprintf("$.data.split.%s", [field]),
	"record when the test set was frozen and when final training started",
) if {
	some field in ["test_frozen_at", "training_started_at"]
	not common.ns(object.get(_split, field, null))
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the test set was frozen at %s, not before training started at %s", [_split.test_frozen_at, _split.training_started_at]),
	"$.data.split.test_frozen_at",
	"freeze the test set before training, then retrain the model",
) if {
	common.ns(_split.test_frozen_at) >= common.ns(_split.training_started_at)
}
