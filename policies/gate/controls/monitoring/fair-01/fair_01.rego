# METADATA
# title: Fairness recomputed on production decisions each period
# description: |
#   Adverse impact ratios and group error rates are recomputed on the period's production
#   decisions. A ratio below the policy minimum, or a fall of more than the allowed drop
#   below the validation baseline, triggers review: it blocks, or in tiers where breaches
#   only alert, warns. The stricter of the monitoring plan's and the policy's limits applies.
# custom:
#   control_id: MON-FAIR-01
#   framework: Model monitoring conventions
#   section: Four-fifths convention (as FL-DI-01); EU AI Act Art 15(4), Art 72
#   severity: high
#   stages: [monitoring]
package gate.controls.monitoring["fair-01"]

import data.gate.lib.config
import data.gate.lib.result

control := result.control(rego.metadata.chain())

_settings := config.settings.monitoring

_tier := object.get(_settings.tiers, object.get(input.bundle, ["model", "risk_tier"], ""), _settings.tiers.high)

_latest := object.get(input.bundle, ["monitoring", "latest"], {})

_thresholds := object.get(input.bundle, ["monitoring", "plan", "thresholds"], {})

_air := object.get(_latest, "air", {})

_baseline := object.get(input.bundle, ["fairness", "air_baseline"], {})

not_applicable_reason := sprintf("fairness monitoring applies to %s models, not %v", [
	concat(", ", _settings.fairness_use_cases),
	object.get(input.bundle, ["model", "use_case"], "unknown"),
]) if {
	not object.get(input.bundle, ["model", "use_case"], "") in _settings.fairness_use_cases
}

_air_min := max({_tier.air_min, object.get(_thresholds, "air_min", 0)})

_drop_max := min({_tier.air_drop_max, object.get(_thresholds, "air_drop_max", _tier.air_drop_max)})

# ------------------------------------------------------------------ presence

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the latest monitoring run has no %s", [field]),
	sprintf("$.monitoring.latest.%s", [field]),
	"recompute adverse impact ratios and group error rates on this period's production decisions",
) if {
	some field in ["air", "group_error_rates"]
	count(object.get(_latest, field, {})) == 0
}

deny contains result.violation(
	rego.metadata.chain(),
	"the latest monitoring run has no min_air",
	"$.monitoring.latest.min_air",
	"record the smallest adverse impact ratio of the period",
) if {
	not is_number(object.get(_latest, "min_air", null))
}

deny contains result.violation(
	rego.metadata.chain(),
	"there is no validation baseline of adverse impact ratios to compare against",
	"$.fairness.air_baseline",
	"record the per-group ratios measured at validation as fairness.air_baseline",
) if {
	count(_baseline) == 0
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("no current adverse impact ratio for baseline group(s) %s", [concat(", ", sort(missing))]),
	"$.monitoring.latest.air",
	"recompute the ratio for every group of the validation baseline",
) if {
	count(_air) > 0
	missing := {g | some g, _ in _baseline; not is_number(object.get(_air, g, null))}
	count(missing) > 0
}

# ------------------------------------------------------------------ breaches

_breaches contains sprintf("%s has an adverse impact ratio of %v, below %v", [g, v, _air_min]) if {
	some g, v in _air
	v < _air_min
}

_breaches contains sprintf("the smallest adverse impact ratio %v is below %v", [_latest.min_air, _air_min]) if {
	_latest.min_air < _air_min
	count([v | some v in _air; v < _air_min]) == 0
}

_breaches contains sprintf("%s fell from %v at validation to %v, more than %v", [g, base, now, _drop_max]) if {
	some g, now in _air
	base := _baseline[g]
	base - now > _drop_max + 0.000001
}

_blocking if _tier.air_breach != "alert"

deny contains result.violation(
	rego.metadata.chain(),
	msg,
	"$.monitoring.latest.air",
	"open a fair-lending review of the disparity in production and record its outcome",
) if {
	_blocking
	some msg in _breaches
}

warn contains result.violation(
	rego.metadata.chain(),
	msg,
	"$.monitoring.latest.air",
	"review the disparity in production with the fair-lending team",
) if {
	not _blocking
	some msg in _breaches
}
