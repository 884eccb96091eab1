package gate.controls.monitoring["fair-01_test"]

import data.gate.controls.monitoring["fair-01"] as control

_bundle := {
	"model": {"use_case": "credit", "risk_tier": "high"},
	"fairness": {"air_baseline": {"race:black": 0.86, "sex:female": 0.95}},
	"monitoring": {
		"plan": {"thresholds": {"air_min": 0.8, "air_drop_max": 0.05}},
		"latest": {
			"air": {"race:black": 0.85, "sex:female": 0.95},
			"min_air": 0.85,
			"group_error_rates": {"race:black": 0.08, "race:white": 0.07},
		},
	},
}

_input(bundle) := {"stage": "monitoring", "bundle": bundle}

_msgs(set) := {v.msg | some v in set}

test_success_fair_in_production if {
	control.deny == set() with input as _input(_bundle)
	control.warn == set() with input as _input(_bundle)
}

test_fail_nothing_recomputed if {
	ds := control.deny with input as _input({"model": {"use_case": "credit", "risk_tier": "high"}})
	{v.evidence_path | some v in ds} == {
		"$.monitoring.latest.air", "$.monitoring.latest.group_error_rates",
		"$.monitoring.latest.min_air", "$.fairness.air_baseline",
	}
}

test_fail_group_missing_from_recomputation if {
	b := json.remove(_bundle, ["monitoring/latest/air/sex:female"])
	ds := control.deny with input as _input(b)
	_msgs(ds) == {"no current adverse impact ratio for baseline group(s) sex:female"}
}

test_fail_breach_and_drop_block if {
	b := object.union(_bundle, {"monitoring": {"latest": {"air": {"race:black": 0.78, "sex:female": 0.89}, "min_air": 0.78}}})
	ds := control.deny with input as _input(b)
	_msgs(ds) == {
		"race:black has an adverse impact ratio of 0.78, below 0.8",
		"race:black fell from 0.86 at validation to 0.78, more than 0.05",
		"sex:female fell from 0.95 at validation to 0.89, more than 0.05",
	}
}

test_fail_stricter_plan_limits_and_inconsistent_min_air if {
	b := object.union(_bundle, {"monitoring": {
		"plan": {"thresholds": {"air_min": 0.9, "air_drop_max": 0.005}},
		"latest": {"air": {"race:black": 0.91, "sex:female": 0.95}, "min_air": 0.7},
	}})
	ds := control.deny with input as _input(b)
	_msgs(ds) == {"the smallest adverse impact ratio 0.7 is below 0.9"}
}

test_success_low_tier_breach_only_warns if {
	b := object.union(_bundle, {"model": {"risk_tier": "low"}, "monitoring": {"latest": {"air": {"race:black": 0.7}, "min_air": 0.7}}})
	control.deny == set() with input as _input(b)
	ws := control.warn with input as _input(b)
	_msgs(ws) == {
		"race:black has an adverse impact ratio of 0.7, below 0.8",
		"race:black fell from 0.86 at validation to 0.7, more than 0.05",
	}
}

test_success_not_applicable_outside_credit if {
	r := control.not_applicable_reason with input as _input({"model": {"use_case": "clinical"}})
	r == "fairness monitoring applies to credit models, not clinical"
}

test_success_metadata if {
	control.control.id == "MON-FAIR-01"
}
