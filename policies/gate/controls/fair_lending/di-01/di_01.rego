# METADATA
# title: Adverse impact ratio tested, breaches reviewed before release
# description: |
#   The adverse impact ratio of every protected or proxied group (its approval rate over
#   the most-favoured group's) is computed on the validation sample. A ratio below the
#   policy threshold, or a statistically significant gap, blocks release until a proxy and
#   driver review and a search for less discriminatory alternatives are recorded and a
#   fair-lending reviewer approves. Credit models always need that review at the stages of
#   settings fair_lending.review_stages (production).
# custom:
#   control_id: FL-DI-01
#   framework: Fair lending / ECOA
#   section: 29 CFR 1607.4(D) four-fifths convention; state law and FHA; EU AI Act Art 10(2)(f)-(g)
#   severity: high
#   stages: [staging]
package gate.controls.fair_lending["di-01"]

import data.gate.controls.fair_lending.common
import data.gate.lib.config
import data.gate.lib.result
import data.gate.lib.values

control := result.control(rego.metadata.chain())

_settings := config.settings.fair_lending

_tier := object.get(_settings.tiers, object.get(input.bundle, ["model", "risk_tier"], ""), _settings.tiers.high)

_fairness := object.get(input.bundle, "fairness", {})

_air := object.get(_fairness, "air", {})

not_applicable_reason := common.testing_reason

_attributes := {a | some a in object.get(_fairness, "protected_attributes", [])}

# ------------------------------------------------------------------ presence

deny contains result.violation(
	rego.metadata.chain(),
	"no protected or proxied attributes were tested",
	"$.fairness.protected_attributes",
	"list the protected attributes (observed or proxied) the adverse impact ratio was computed for",
) if {
	count(_attributes) == 0
}

deny contains result.violation(
	rego.metadata.chain(),
	"the method used to observe or infer protected attributes is not recorded",
	"$.fairness.proxy_method",
	"record how group membership was obtained (for example BISG, or observed)",
) if {
	not values.text(object.get(_fairness, "proxy_method", null))
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("no reference (most-favoured) group for attribute %s", [attr]),
	"$.fairness.reference_group",
	"name the reference group of every tested attribute",
) if {
	some attr in _attributes
	not values.text(object.get(_fairness, ["reference_group", attr], ""))
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("no adverse impact ratio for any %s group", [attr]),
	"$.fairness.air",
	"compute the ratio for every group of the attribute, keyed '<attribute>:<group>'",
) if {
	some attr in _attributes
	not _has_group(attr)
}

_has_group(attr) if {
	some key, _ in _air
	startswith(key, concat("", [attr, ":"]))
}

deny contains result.violation(
	rego.metadata.chain(),
	"the smallest adverse impact ratio is not recorded",
	"$.fairness.min_air",
	"record min_air, the smallest ratio across all groups",
) if {
	not is_number(object.get(_fairness, "min_air", null))
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("min_air %v is not the smallest ratio in air (%v)", [_fairness.min_air, _smallest]),
	"$.fairness.min_air",
	"recompute min_air from the per-group ratios",
) if {
	is_number(_fairness.min_air)
	abs(_fairness.min_air - _smallest) > 0.0001
}

_smallest := min({v | some v in _air})

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("no significance test for group(s) %s", [concat(", ", sort(missing))]),
	"$.fairness.significance",
	"test each group's approval-rate gap for statistical significance",
) if {
	_tier.require_significance
	missing := {g | some g, _ in _air; not _fairness.significance[g]}
	count(missing) > 0
}

# ------------------------------------------------------------------ breach

_threshold := _settings.air_threshold

_low_groups contains g if {
	some g, v in _air
	v < _threshold
}

_low_groups contains g if {
	_fairness.min_air < _threshold
	count(_air) == 0
	g := "min_air"
}

_significant_groups contains g if {
	some g, t in object.get(_fairness, "significance", {})
	t.significant == true
}

_breach := _low_groups | _significant_groups

_breach_text := sprintf("adverse impact ratio below %v or a significant gap for %s", [_threshold, concat(", ", sort(_breach))])

_blocking if {
	count(_breach) > 0
	_tier.air_breach != "alert"
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("%s, and no proxy and driver review is recorded", [_breach_text]),
	"$.fairness.proxy_review_uri",
	"have the fair-lending team review proxies and drivers of the disparity and link the review",
) if {
	_blocking
	not values.text(object.get(_fairness, "proxy_review_uri", null))
}

_lda_search_needed if _blocking

_lda_search_needed if _tier.require_lda_search

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the search for less discriminatory alternatives has no %s", [field]),
	sprintf("$.fairness.lda_search.%s", [field]),
	"record the alternatives tried, how many, and the business reason for the chosen model",
) if {
	_lda_search_needed
	some field in ["uri", "alternatives_evaluated", "selected_reason"]
	not _lda_field_ok(field)
}

_lda_field_ok("uri") if values.text(_fairness.lda_search.uri)

_lda_field_ok("alternatives_evaluated") if _fairness.lda_search.alternatives_evaluated >= 1

_lda_field_ok("selected_reason") if values.text(_fairness.lda_search.selected_reason)

warn contains result.violation(
	rego.metadata.chain(),
	_breach_text,
	"$.fairness.air",
	"review the disparity with the fair-lending team",
) if {
	count(_breach) > 0
	_tier.air_breach == "alert"
}

required_approvals contains result.approval_requirement(
	rego.metadata.chain(),
	_settings.review_role,
	_settings.review_count,
	sprintf("fair-lending review of the %s", [_breach_text]),
) if {
	_blocking
}

required_approvals contains result.approval_requirement(
	rego.metadata.chain(),
	_settings.review_role,
	_settings.review_count,
	"a credit model needs a fair-lending review before production",
) if {
	input.stage in _settings.review_stages
}
