# METADATA
# title: Training and test data represent the intended patient population
# description: |
#   The intended patient population is described, and every training and test dataset
#   (settings fda.representativeness_roles) reports its coverage of that population by
#   segment "<attribute>:<value>": each required attribute (fda.required_segment_attributes,
#   for example age and site) is covered, and every segment holds at least the larger of
#   the dataset's own min_n and the policy floor fda.min_segment_n.
# custom:
#   control_id: FDA-GMLP-03
#   framework: FDA GMLP / PCCP
#   section: GMLP Principle 3 (participants and data representative of the intended patient population)
#   severity: high
#   stages: [merge]
#   effective_from_data: [fda, guidances, GMLP, effective_from]
package gate.controls.fda["gmlp-03"]

import data.gate.controls.fda.common
import data.gate.lib.result

control := result.control(rego.metadata.chain())

not_applicable_reason := common.device_reason

_datasets := object.get(input.bundle, ["data", "datasets"], [])

deny contains result.violation(
	rego.metadata.chain(),
	"the intended patient population is not described",
	"$.fda.intended_population_uri",
	"describe the intended patient population (age, sex, race and ethnicity, sites, acquisition devices) and link it",
) if {
	not common.text(object.get(common.fda, "intended_population_uri", null))
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("no %s dataset is recorded", [role]),
	"$.data.datasets",
	sprintf("record the %s dataset with its representativeness against the intended population", [role]),
) if {
	some role in common.settings.representativeness_roles
	count([d | some d in _datasets; d.role == role]) == 0
}

# The datasets checked, by index, with their representativeness record.
_checked[i] := object.get(d, "representativeness", {}) if {
	some i, d in _datasets
	d.role in common.settings.representativeness_roles
}

_attribute(segment) := split(segment, ":")[0]

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("dataset %d has no %s segment in its representativeness record", [i, attr]),
	sprintf("$.data.datasets[%d].representativeness.segments", [i]),
	sprintf("report coverage of the intended population by %s (segments named \"%s:<value>\")", [attr, attr]),
) if {
	some i, rep in _checked
	some attr in common.settings.required_segment_attributes
	attrs := {_attribute(s) | some s in object.get(rep, "segments", [])}
	not attr in attrs
}

_floor(rep) := max({common.settings.min_segment_n, rep.min_n}) if is_number(rep.min_n)

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("dataset %d does not state the minimum records per segment", [i]),
	sprintf("$.data.datasets[%d].representativeness.min_n", [i]),
	"state the sample size each segment needs (min_n) from the study's power analysis",
) if {
	some i, rep in _checked
	not _floor(rep)
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("dataset %d segment %s has %v records, fewer than %v", [i, seg, n, floor]),
	sprintf("$.data.datasets[%d].representativeness.n_per_segment", [i]),
	"collect more records for the under-represented segment, or justify a smaller intended population",
) if {
	some i, rep in _checked
	floor := _floor(rep)
	some seg in object.get(rep, "segments", [])
	n := object.get(rep, ["n_per_segment", seg], "no")
	not _enough(n, floor)
}

_enough(n, floor) if {
	is_number(n)
	n >= floor
}
