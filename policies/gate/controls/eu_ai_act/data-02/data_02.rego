# METADATA
# title: Datasets relevant, representative, complete and fit for the population
# description: |
#   Every training, validation, test and out-of-time dataset records its quality
#   (missing, label-error and duplicate rates), its representativeness against the
#   population the model will score (reference population, segments checked, minimum
#   coverage ratio, PSI against the target) and the geographic and behavioural
#   setting it comes from; each rate stays within the limits in data.
# custom:
#   control_id: EUAIA-DATA-02
#   framework: EU AI Act
#   section: Art 10(3)-(4)
#   severity: high
#   stages: [merge]
#   effective_from_data: [eu_ai_act, application_dates, annex_iii]
package gate.controls.eu_ai_act["data-02"]

import data.gate.controls.eu_ai_act.common
import data.gate.lib.result

control := result.control(rego.metadata.chain())

not_applicable_reason := common.high_risk_reason

_limits := common.settings.data_quality

_governed contains i if {
	some i, ds in object.get(input.bundle, ["data", "datasets"], [])
	ds.role in _limits.roles
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("no dataset with role %s is listed", [concat(", ", _limits.roles)]),
	"$.data.datasets",
	"list the training, validation and test datasets with their quality and representativeness",
) if {
	count(_governed) == 0
}

_fields := [
	{"sub": ["quality", "missing_rate"], "kind": "number", "fix": "measure the share of missing values"},
	{"sub": ["quality", "label_error_rate"], "kind": "number", "fix": "estimate the share of wrong labels"},
	{"sub": ["quality", "duplicate_rate"], "kind": "number", "fix": "measure the share of duplicate records"},
	{"sub": ["representativeness", "reference_population"], "kind": "text", "fix": "name the population the data should represent"},
	{"sub": ["representativeness", "segments"], "kind": "items", "fix": "list the segments whose coverage was checked"},
	{"sub": ["representativeness", "coverage_ratio_min"], "kind": "number", "fix": "compute the smallest segment coverage ratio against the reference population"},
	{"sub": ["representativeness", "psi_vs_target"], "kind": "number", "fix": "compute the PSI between the dataset and the target population"},
	{"sub": ["context", "geography"], "kind": "text", "fix": "state the geographic area the records come from"},
	{"sub": ["context", "channel"], "kind": "text", "fix": "state the channel or behavioural setting the records come from"},
]

deny contains result.violation(rego.metadata.chain(), common.gap_msg(g), common.json_path(g.path), f.fix) if {
	some i in _governed
	some f in _fields
	g := {"path": array.concat(["data", "datasets", i], f.sub), "kind": f.kind}
	common.lacks(g.path, g.kind)
}

# [sub-path, limit key, true when the value must not exceed the limit]
_bounds := [
	[["quality", "missing_rate"], "missing_rate_max", true],
	[["quality", "label_error_rate"], "label_error_rate_max", true],
	[["quality", "duplicate_rate"], "duplicate_rate_max", true],
	[["representativeness", "coverage_ratio_min"], "coverage_ratio_min", false],
	[["representativeness", "psi_vs_target"], "psi_vs_target_max", true],
]

_out_of_bounds(value, limit, true) if value > limit

_out_of_bounds(value, limit, false) if value < limit

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("dataset %v: %s is %v, outside the limit %v", [ds.name, concat(".", b[0]), value, limit]),
	common.json_path(array.concat(["data", "datasets", i], b[0])),
	"improve the data (clean, relabel, deduplicate, resample or reweight) until it is within the limit",
) if {
	some i in _governed
	ds := input.bundle.data.datasets[i]
	some b in _bounds
	value := object.get(ds, b[0], null)
	is_number(value)
	limit := _limits[b[1]]
	_out_of_bounds(value, limit, b[2])
}
