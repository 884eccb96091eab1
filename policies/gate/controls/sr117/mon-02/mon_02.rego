# METADATA
# title: Overrides tracked; high or beneficial overrides trigger review
# description: |
#   Monitoring reports the override rate and how overridden outcomes compare with the
#   model's. An override rate above the plan's threshold, or overrides that do
#   persistently better than the model (settings
#   sr117.tiers.<tier>.override_outcome_delta_max), call for a model review. A plan
#   threshold looser than the tier's (override_rate_max) warns.
# custom:
#   control_id: SR117-MON-02
#   framework: SR 11-7 / SR 26-2
#   section: SR 11-7 §V ongoing monitoring (override analysis); SR 26-2 §V
#   severity: medium
#   stages: [monitoring]
#   effective_from_data: [sr117, guidances, "SR 11-7", effective_from]
package gate.controls.sr117["mon-02"]

import data.gate.controls.sr117.lib
import data.gate.lib.result
import data.gate.lib.values

control := result.control(rego.metadata.chain())

_latest := object.get(input.bundle, ["monitoring", "latest"], {})

_threshold := object.get(input.bundle, ["monitoring", "plan", "thresholds", "override_rate"], null)

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("monitoring reports no %s", [field]),
	sprintf("$.monitoring.latest.%s", [field]),
	"track overrides: their rate and the outcome difference against the model",
) if {
	some field in values.missing(_latest, ["override_rate", "override_outcome_delta"])
}

deny contains result.violation(
	rego.metadata.chain(),
	"the monitoring plan sets no override-rate threshold",
	"$.monitoring.plan.thresholds.override_rate",
	"set an override-rate threshold in the monitoring plan",
) if {
	not is_number(_threshold)
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the override rate %v is above the plan's threshold %v", [_latest.override_rate, _threshold]),
	"$.monitoring.latest.override_rate",
	"open a model review into why users override the model",
) if {
	is_number(_threshold)
	_latest.override_rate > _threshold
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("overridden decisions do better than the model by %v, above the tier's %v", [_latest.override_outcome_delta, lib.tier.override_outcome_delta_max]),
	"$.monitoring.latest.override_outcome_delta",
	"open a model review: persistently beneficial overrides show what the model misses",
) if {
	_latest.override_outcome_delta > lib.tier.override_outcome_delta_max
}

warn contains result.violation(
	rego.metadata.chain(),
	sprintf("the plan's override-rate threshold %v is looser than the %s-tier %v", [_threshold, input.bundle.model.risk_tier, lib.tier.override_rate_max]),
	"$.monitoring.plan.thresholds.override_rate",
	"tighten the monitoring plan's override-rate threshold",
) if {
	_threshold > lib.tier.override_rate_max
}
