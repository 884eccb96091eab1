# METADATA
# title: Data quality, relevance and lineage documented
# description: |
#   Every dataset names its source, lineage, location, digest and time window, states the
#   population it represents, and carries quality results within the tier's limits
#   (settings sr117.tiers.<tier>.data_quality). Data assumptions are stated and each proxy is
#   justified. Each training dataset documents the feature-engineering transformations
#   applied to it and its sampling and weighting decisions.
# custom:
#   control_id: SR117-DEV-02
#   framework: SR 11-7 / SR 26-2
#   section: SR 11-7 §IV (data quality and relevance); SR 26-2 §V (data as part of validation)
#   severity: high
#   stages: [merge]
#   effective_from_data: [sr117, guidances, "SR 11-7", effective_from]
package gate.controls.sr117["dev-02"]

import data.gate.controls.sr117.lib
import data.gate.lib.result
import data.gate.lib.values

control := result.control(rego.metadata.chain())

_datasets := object.get(input.bundle, ["data", "datasets"], [])

_governance := object.get(input.bundle, ["data", "governance"], {})

_limits := object.get(lib.tier, "data_quality", {"missing_rate_max": 0, "duplicate_rate_max": 0})

_dataset_fields := ["uri", "digest", "source_system", "lineage_uri", "time_window"]

_quality_fields := ["missing_rate", "duplicate_rate", "schema_valid", "range_checks_passed"]

deny contains result.violation(
	rego.metadata.chain(),
	"no datasets are described",
	"$.data.datasets",
	"describe each training, validation, test and out-of-time dataset",
) if {
	count(_datasets) == 0
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("dataset %s has no %s", [ds.name, field]),
	sprintf("$.data.datasets[%d].%s", [i, field]),
	"record where the dataset comes from, its lineage, location, digest and time window",
) if {
	some i, ds in _datasets
	some field in values.missing(ds, _dataset_fields)
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("dataset %s does not state the population it represents", [ds.name]),
	sprintf("$.data.datasets[%d].population_statement", [i]),
	"state which population the dataset covers and what it leaves out, so its relevance to the model's use can be judged",
) if {
	some i, ds in _datasets
	not values.present(object.get(ds, "population_statement", null))
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("dataset %s has no quality result %s", [ds.name, field]),
	sprintf("$.data.datasets[%d].quality.%s", [i, field]),
	"run the data quality checks and record their results",
) if {
	some i, ds in _datasets
	some field in values.missing(object.get(ds, "quality", {}), _quality_fields)
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("dataset %s failed its %s check", [ds.name, field]),
	sprintf("$.data.datasets[%d].quality.%s", [i, field]),
	"fix the data or its contract and rerun the checks",
) if {
	some i, ds in _datasets
	some field in ["schema_valid", "range_checks_passed"]
	ds.quality[field] == false
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("dataset %s has %s %v, above the %s-tier limit %v", [ds.name, field, ds.quality[field], input.bundle.model.risk_tier, limit]),
	sprintf("$.data.datasets[%d].quality.%s", [i, field]),
	"clean the data, or justify and document the gap and have the limit changed in policy",
) if {
	some i, ds in _datasets
	some field in ["missing_rate", "duplicate_rate"]
	limit := _limits[sprintf("%s_max", [field])]
	ds.quality[field] > limit
}

deny contains result.violation(
	rego.metadata.chain(),
	"the data assumptions are not stated",
	"$.data.governance.assumptions",
	"list the assumptions the data relies on (relevance, representativeness, timeliness)",
) if {
	not values.present(object.get(_governance, "assumptions", []))
}

deny contains result.violation(
	rego.metadata.chain(),
	"the proxies used are not declared",
	"$.data.governance.proxies",
	"list the proxy variables, or an empty list when none are used",
) if {
	not is_array(object.get(_governance, "proxies", null))
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("proxy %s has no justification", [proxy.name]),
	sprintf("$.data.governance.proxies[%d].justification", [i]),
	"justify why the proxy is needed and how it was reviewed",
) if {
	some i, proxy in object.get(_governance, "proxies", [])
	not values.present(object.get(proxy, "justification", ""))
}

_training := [[i, ds] | some i, ds in _datasets; ds.role == "train"]

deny contains result.violation(
	rego.metadata.chain(),
	"no dataset has role train",
	"$.data.datasets",
	"describe the training dataset (role train)",
) if {
	count(_datasets) > 0
	count(_training) == 0
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("training dataset %s does not list the feature-engineering transformations applied", [ds.name]),
	sprintf("$.data.datasets[%d].transformations", [i]),
	"list each transformation applied to the training data (exclusions, capping, binning, encoding), in order",
) if {
	some [i, ds] in _training
	not values.items(object.get(ds, "transformations", null))
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("training dataset %s does not state its sampling %s decision", [ds.name, field]),
	sprintf("$.data.datasets[%d].sampling.%s", [i, field]),
	"state how the training sample was drawn and how it was weighted (\"none\" when unweighted)",
) if {
	some [i, ds] in _training
	some field in ["method", "weighting"]
	not values.text(object.get(ds, ["sampling", field], null))
}
