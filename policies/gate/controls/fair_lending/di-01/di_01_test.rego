package gate.controls.fair_lending["di-01_test"]

import data.gate.controls.fair_lending["di-01"] as control

_fairness := {
	"protected_attributes": ["race", "sex"],
	"proxy_method": "BISG",
	"reference_group": {"race": "white", "sex": "male"},
	"air": {"race:black": 0.86, "sex:female": 0.95},
	"min_air": 0.86,
	"significance": {
		"race:black": {"p_value": 0.11, "significant": false},
		"sex:female": {"p_value": 0.4, "significant": false},
	},
	"proxy_review_uri": "reports/proxy.html",
	"lda_search": {"uri": "reports/lda.html", "alternatives_evaluated": 4, "selected_reason": "best AUC"},
}

_input(fairness, tier, stage) := {
	"stage": stage,
	"bundle": {"model": {"use_case": "credit", "risk_tier": tier}, "fairness": fairness},
}

_paths(set) := {v.evidence_path | some v in set}

test_success_complete_evidence if {
	control.deny == set() with input as _input(_fairness, "high", "staging")
	control.required_approvals == set() with input as _input(_fairness, "high", "staging")
	control.warn == set() with input as _input(_fairness, "high", "staging")
}

test_success_production_always_needs_fair_lending_review if {
	reqs := control.required_approvals with input as _input(_fairness, "high", "production")
	reqs == {{
		"control_id": "FL-DI-01",
		"role": "fair_lending",
		"count": 1,
		"reason": "a credit model needs a fair-lending review before production",
	}}
}

test_fail_missing_fairness_section if {
	ds := control.deny with input as _input({}, "high", "staging")
	_paths(ds) == {
		"$.fairness.protected_attributes", "$.fairness.proxy_method", "$.fairness.min_air",
		"$.fairness.lda_search.uri", "$.fairness.lda_search.alternatives_evaluated",
		"$.fairness.lda_search.selected_reason",
	}
}

test_fail_missing_reference_group_air_and_significance if {
	f := json.patch(_fairness, [
		{"op": "remove", "path": "/reference_group/sex"},
		{"op": "add", "path": "/protected_attributes/-", "value": "age_band"},
		{"op": "remove", "path": "/significance/sex:female"},
	])
	ds := control.deny with input as _input(f, "high", "staging")
	{v.msg | some v in ds} == {
		"no reference (most-favoured) group for attribute sex",
		"no reference (most-favoured) group for attribute age_band",
		"no adverse impact ratio for any age_band group",
		"no significance test for group(s) sex:female",
	}
}

test_success_medium_tier_needs_no_significance_or_lda_search if {
	f := json.remove(_fairness, ["significance", "lda_search"])
	control.deny == set() with input as _input(f, "medium", "staging")
}

test_fail_min_air_inconsistent if {
	f := object.union(_fairness, {"min_air": 0.9})
	ds := control.deny with input as _input(f, "high", "staging")
	ds == {{
		"control_id": "FL-DI-01",
		"framework": "Fair lending / ECOA",
		"section": "29 CFR 1607.4(D) four-fifths convention; state law and FHA; EU AI Act Art 10(2)(f)-(g)",
		"severity": "high",
		"title": "Adverse impact ratio tested, breaches reviewed before release",
		"msg": "min_air 0.9 is not the smallest ratio in air (0.86)",
		"remediation": "recompute min_air from the per-group ratios",
		"evidence_path": "$.fairness.min_air",
	}}
}

_breach := object.union(_fairness, {"air": {"race:black": 0.74, "sex:female": 0.95}, "min_air": 0.74})

test_success_breach_with_review_needs_fair_lending_approval if {
	control.deny == set() with input as _input(_breach, "high", "staging")
	reqs := control.required_approvals with input as _input(_breach, "high", "staging")
	{r.role | some r in reqs} == {"fair_lending"}
	{r.reason | some r in reqs} == {"fair-lending review of the adverse impact ratio below 0.8 or a significant gap for race:black"}
}

test_fail_breach_without_proxy_review_or_lda_search if {
	f := json.remove(_breach, ["proxy_review_uri", "lda_search"])
	ds := control.deny with input as _input(f, "medium", "staging")
	_paths(ds) == {
		"$.fairness.proxy_review_uri", "$.fairness.lda_search.uri",
		"$.fairness.lda_search.alternatives_evaluated", "$.fairness.lda_search.selected_reason",
	}
}

test_fail_significant_gap_is_a_breach if {
	f := json.patch(_fairness, [
		{"op": "replace", "path": "/significance/sex:female/significant", "value": true},
		{"op": "remove", "path": "/proxy_review_uri"},
	])
	ds := control.deny with input as _input(f, "high", "staging")
	{v.msg | some v in ds} == {"adverse impact ratio below 0.8 or a significant gap for sex:female, and no proxy and driver review is recorded"}
}

test_fail_min_air_breach_without_group_ratios if {
	f := object.union(json.remove(_fairness, ["air", "significance"]), {"min_air": 0.7, "protected_attributes": []})
	reqs := control.required_approvals with input as _input(f, "medium", "staging")
	{r.reason | some r in reqs} == {"fair-lending review of the adverse impact ratio below 0.8 or a significant gap for min_air"}
}

test_success_low_tier_breach_only_warns if {
	f := json.remove(_breach, ["proxy_review_uri"])
	control.deny == set() with input as _input(f, "low", "staging")
	control.required_approvals == set() with input as _input(f, "low", "staging")
	ws := control.warn with input as _input(f, "low", "staging")
	_paths(ws) == {"$.fairness.air"}
}

test_success_not_applicable_outside_credit if {
	reason := control.not_applicable_reason with input as {"bundle": {"model": {"use_case": "clinical"}}}
	reason == "fair-lending testing applies to credit models, not clinical"
}

test_success_applicable_to_credit if {
	not control.not_applicable_reason with input as _input(_fairness, "high", "staging")
}

test_success_metadata if {
	control.control.id == "FL-DI-01"
}

# Where each stage-bound rule fires, written down from the control as it stood when the
# stage moved from the rule's body into the policy data: exactly these stages.
test_success_fair_lending_review_required_exactly_at_production if {
	{stage |
		some stage in ["merge", "staging", "production", "monitoring"]
		reqs := control.required_approvals with input as _input(_fairness, "high", stage)
		some r in reqs
		r.reason == "a credit model needs a fair-lending review before production"
	} == {"production"}
}

test_success_review_stages_are_policy_data if {
	reqs := control.required_approvals with input as _input(_fairness, "high", "staging")
		with data.gate.overrides as {"fair_lending": {"review_stages": ["staging"]}}
	"a credit model needs a fair-lending review before production" in {r.reason | some r in reqs}
}
