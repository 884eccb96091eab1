package gate.controls.eu_ai_act.common_test

import data.gate.controls.eu_ai_act.common
import data.gate.controls.eu_ai_act.fixtures_test as fx

_annex_i := json.patch(fx.bundle, [{"op": "replace", "path": "/eu_ai_act/classification/annex_iii_point", "value": "none"}])

test_annex_iii_applies_from_december_2027 if {
	common.route == "annex_iii" with input as fx.at_stage("staging")
	common.application_date == "2027-12-02" with input as fx.at_stage("staging")
	not common.high_risk_reason with input as fx.at_stage("staging")
	common.high_risk_reason == "not yet in force for this system: Annex III high-risk obligations (deferred by Reg. (EU) 2026/1744) apply from 2027-12-02" with input as fx.policy_input(fx.bundle, "staging", "2027-12-01T23:59:59Z")
}

test_annex_i_applies_from_august_2028 if {
	common.high_risk_reason == "not yet in force for this system: Annex I (product-embedded) high-risk obligations (deferred by Reg. (EU) 2026/1744) apply from 2028-08-02" with input as fx.policy_input(_annex_i, "staging", fx.now)
	not common.high_risk_reason with input as fx.policy_input(_annex_i, "staging", "2028-08-02T00:00:00Z")
}

test_missing_classification_takes_the_earlier_date if {
	common.route == "annex_iii" with input as fx.policy_input(fx.without(["/eu_ai_act/classification"]), "merge", fx.now)
}

test_out_of_scope_and_not_high_risk if {
	common.high_risk_reason == common.out_of_scope_reason with input as fx.policy_input({"eu_ai_act": {"applicable": false}}, "merge", fx.now)
	common.high_risk_reason == common.out_of_scope_reason with input as fx.policy_input({}, "merge", fx.now)
	b := json.patch(fx.bundle, [
		{"op": "replace", "path": "/eu_ai_act/classification/high_risk", "value": false},
		{"op": "add", "path": "/eu_ai_act/classification/fraud_exception_claimed", "value": true},
	])
	common.high_risk_reason == "the classification record says the system is not high-risk (fraud exclusion claimed)" with input as fx.policy_input(b, "merge", fx.now)
}

test_json_path if {
	common.json_path(["data", "datasets", 2, "quality"]) == "$.data.datasets[2].quality"
}

test_lacks_each_kind if {
	b := {
		"t": "x", "e": "  ", "i": [1], "o": {"a": 1}, "y": true, "n": 1.5,
		"tm": "2026-01-01T00:00:00Z", "d": "2026-01-01", "g": "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	}
	inp := fx.policy_input(b, "merge", fx.now)
	not common.lacks(["t"], "text") with input as inp
	common.lacks(["e"], "text") with input as inp
	not common.lacks(["i"], "items") with input as inp
	common.lacks(["t"], "items") with input as inp
	not common.lacks(["o"], "entries") with input as inp
	common.lacks(["i"], "entries") with input as inp
	not common.lacks(["y"], "true") with input as inp
	not common.lacks(["y"], "bool") with input as inp
	common.lacks(["t"], "bool") with input as inp
	not common.lacks(["n"], "number") with input as inp
	not common.lacks(["tm"], "time") with input as inp
	common.lacks(["d"], "time") with input as inp
	not common.lacks(["d"], "date") with input as inp
	not common.lacks(["g"], "digest") with input as inp
	common.lacks(["t"], "digest") with input as inp
}

# A date or time of the right shape that names no calendar day is lacking, not present.
test_lacks_impossible_dates_and_times if {
	inp := fx.policy_input({"d": "2026-13-45", "tm": "2026-02-30T00:00:00Z", "loose": "2026-01-01T00:00:00"}, "merge", fx.now)
	common.lacks(["d"], "date") with input as inp
	common.lacks(["tm"], "time") with input as inp
	common.lacks(["loose"], "time") with input as inp
}
