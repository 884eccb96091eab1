package gate.controls.monitoring["psi-01_test"]

import data.gate.controls.monitoring["psi-01"] as control

_bundle := {
	"model": {"risk_tier": "high", "features": [{"name": "bureau_score"}, {"name": "debt_to_income"}, {"name": "inquiries_6m"}]},
	"monitoring": {
		"plan": {"thresholds": {"psi": {"amber": 0.1, "red": 0.25}}},
		"latest": {
			"period": {"start": "2026-10-01", "end": "2026-10-31"},
			"baseline_id": "validation-2024h1",
			"psi_score": 0.04,
			"bins": {"score": {"edges": [0, 0.5, 1], "expected": [0.5, 0.5], "actual": [0.401, 0.599]}},
			"csi": {"bureau_score": 0.03, "debt_to_income": 0.05, "inquiries_6m": 0.01},
			"csi_top_contributors": ["debt_to_income", "bureau_score"],
		},
	},
}

_input(bundle, stage) := {"stage": stage, "bundle": bundle}

_with_latest(patch) := object.union(_bundle, {"monitoring": {"latest": patch}})

_msgs(set) := {v.msg | some v in set}

# A headline PSI with two-bin shares whose PSI agrees with it (0.5/0.5 expected; the
# actual shares were solved for the PSI by hand, to within 0.001).
_score(psi, actual) := {"psi_score": psi, "bins": {"score": {"edges": [0, 0.5, 1], "expected": [0.5, 0.5], "actual": actual}}}

_psi_014 := _score(0.14, [0.317, 0.683])

_psi_021 := _score(0.21, [0.279, 0.721])

_psi_031 := _score(0.31, [0.236, 0.764])

_psi_030 := _score(0.3, [0.24, 0.76])

test_success_stable_population if {
	control.deny == set() with input as _input(_bundle, "monitoring")
	control.warn == set() with input as _input(_bundle, "monitoring")
}

test_fail_no_monitoring_evidence if {
	ds := control.deny with input as _input({"model": {"risk_tier": "high"}}, "monitoring")
	{v.evidence_path | some v in ds} == {
		"$.monitoring.plan.thresholds.psi", "$.monitoring.latest.psi_score", "$.monitoring.latest.baseline_id",
		"$.monitoring.latest.period", "$.monitoring.latest.bins", "$.monitoring.latest.csi",
	}
}

test_success_bins_not_needed_at_staging if {
	b := json.remove(_bundle, ["monitoring/latest/bins"])
	control.deny == set() with input as _input(b, "staging")
}

test_fail_csi_incomplete_and_contributors_missing if {
	b := json.patch(_bundle, [
		{"op": "remove", "path": "/monitoring/latest/csi/inquiries_6m"},
		{"op": "remove", "path": "/monitoring/latest/csi_top_contributors"},
	])
	ds := control.deny with input as _input(b, "monitoring")
	_msgs(ds) == {"no CSI for model input(s) inquiries_6m", "the top drift contributors are not reported"}
}

test_fail_largest_contributor_left_out if {
	b := _with_latest({"csi_top_contributors": ["bureau_score"]})
	ds := control.deny with input as _input(b, "monitoring")
	_msgs(ds) == {"input(s) debt_to_income drift the most or are amber/red but are not among the top contributors"}
}

test_success_amber_warns if {
	b := _with_latest(object.union(_psi_014, {"csi": {"debt_to_income": 0.12}}))
	control.deny == set() with input as _input(b, "monitoring")
	ws := control.warn with input as _input(b, "monitoring")
	_msgs(ws) == {
		"score PSI 0.14 is amber (0.1 to 0.25): investigate",
		"CSI of debt_to_income is 0.12, amber (0.1 to 0.25): investigate",
	}
}

test_fail_red_blocks if {
	b := _with_latest(object.union(_psi_031, {"csi": {"debt_to_income": 0.4}}))
	ds := control.deny with input as _input(b, "monitoring")
	_msgs(ds) == {
		"score PSI 0.31 is red (above 0.25): escalate and open a revalidation or recalibration ticket",
		"CSI of debt_to_income is 0.4, red (above 0.25)",
	}
	control.warn == set() with input as _input(b, "monitoring")
}

test_fail_stricter_plan_band_applies if {
	b := object.union(_bundle, {"monitoring": {
		"plan": {"thresholds": {"psi": {"amber": 0.05, "red": 0.2}, "csi": {"amber": 0.02, "red": 0.04}}},
		"latest": _psi_021,
	}})
	ds := control.deny with input as _input(b, "monitoring")
	_msgs(ds) == {
		"score PSI 0.21 is red (above 0.2): escalate and open a revalidation or recalibration ticket",
		"CSI of debt_to_income is 0.05, red (above 0.04)",
	}
	ws := control.warn with input as _input(b, "monitoring")
	_msgs(ws) == {"CSI of bureau_score is 0.03, amber (0.02 to 0.04): investigate"}
}

test_success_low_tier_red_only_reported if {
	b := object.union(_with_latest(object.union(_psi_031, {"csi": {"debt_to_income": 0.4}})), {"model": {"risk_tier": "low"}})
	control.deny == set() with input as _input(b, "monitoring")
	ws := control.warn with input as _input(b, "monitoring")
	_msgs(ws) == {
		"score PSI 0.31 is red (above 0.25); this tier only reports it",
		"CSI of debt_to_income is 0.4, red (above 0.25); this tier only reports it",
	}
}

test_success_unknown_tier_uses_high_tier_bands if {
	b := object.union(_with_latest(_psi_030), {"model": {"risk_tier": "unknown"}})
	ds := control.deny with input as _input(b, "monitoring")
	count(ds) == 1
}

test_success_metadata if {
	control.control.id == "MON-PSI-01"
}

test_fail_headline_psi_contradicts_its_bins if {
	# the bins of a 0.31 shift, with the headline of a stable population
	b := _with_latest(object.union(_psi_031, {"psi_score": 0.043}))
	ds := control.deny with input as _input(b, "monitoring")
	_msgs(ds) == {"the headline score PSI 0.043 disagrees with the PSI of its bins, 0.3101 (tolerance 0.005)"}
}

test_fail_unreadable_bins if {
	b := _with_latest({"bins": {"score": {"edges": [0, 0.5, 1], "expected": [0.5, 0.5], "actual": [1]}}})
	ds := control.deny with input as _input(b, "monitoring")
	{v.evidence_path | some v in ds} == {"$.monitoring.latest.bins.score"}
}

test_success_headline_within_tolerance_of_bins if {
	b := _with_latest({"psi_score": 0.043})
	control.deny == set() with input as _input(b, "monitoring")
}

# Two-bin shares for one input: 0.5/0.5 expected, 0.401/0.599 actual is a CSI of 0.0397
# and 0.236/0.764 one of 0.3101 (both worked out by hand).
_dti_bins(actual) := {"edges": [0, 0.4, 1], "expected": [0.5, 0.5], "actual": actual}

_with_dti(csi, bins) := _with_latest({
	"bins": {"score": _bundle.monitoring.latest.bins.score, "debt_to_income": bins},
	"csi": {"bureau_score": 0.03, "debt_to_income": csi, "inquiries_6m": 0.01},
})

test_success_input_csi_agrees_with_its_bins if {
	b := _with_dti(0.04, _dti_bins([0.401, 0.599]))
	control.deny == set() with input as _input(b, "monitoring")
}

test_fail_input_csi_contradicts_its_bins if {
	# the bins of a 0.31 shift, with the headline of a stable input
	b := _with_dti(0.04, _dti_bins([0.236, 0.764]))
	ds := control.deny with input as _input(b, "monitoring")
	_msgs(ds) == {"the CSI 0.04 of input debt_to_income disagrees with the CSI of its bins, 0.3101 (tolerance 0.005)"}
	{v.evidence_path | some v in ds} == {"$.monitoring.latest.csi.debt_to_income"}
}

test_fail_unreadable_input_bins if {
	b := _with_dti(0.04, _dti_bins([1]))
	ds := control.deny with input as _input(b, "monitoring")
	{v.evidence_path | some v in ds} == {"$.monitoring.latest.bins.debt_to_income"}
}

# Where each stage-bound rule fires, written down from the control as it stood when the
# stage moved from the rule's body into the policy data: exactly these stages.
test_success_bins_required_exactly_at_monitoring if {
	b := json.remove(_bundle, ["monitoring/latest/bins"])
	{stage |
		some stage in ["merge", "staging", "production", "monitoring"]
		ds := control.deny with input as _input(b, stage)
		some v in ds
		v.evidence_path == "$.monitoring.latest.bins"
	} == {"monitoring"}
}

test_success_bins_required_stages_are_policy_data if {
	b := json.remove(_bundle, ["monitoring/latest/bins"])
	ds := control.deny with input as _input(b, "staging")
		with data.gate.overrides as {"monitoring": {"bins_required_stages": ["staging"]}}
	"$.monitoring.latest.bins" in {v.evidence_path | some v in ds}
}
