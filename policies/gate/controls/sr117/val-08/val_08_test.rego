package gate.controls.sr117["val-08_test"]

import data.gate.controls.sr117.fixtures_test as fx
import data.gate.controls.sr117["val-08"] as control

_sr_11_7 := {"sr117": {"guidance": "SR 11-7"}}

# A medium-tier model reviewed 16 months ago: fine under SR 26-2's risk-based cadence
# (18 months for medium tier), overdue under SR 11-7's "at least annually".
_medium_reviewed_16_months_ago := fx.patched({
	"model": {"risk_tier": "medium"},
	"inventory": {"last_periodic_review_date": "2025-07-30"},
})

test_success_current_under_default_sr_26_2 if {
	control.deny == set() with input as fx.input_at("production", fx.bundle)
	control.deny == set() with input as fx.input_at("monitoring", fx.bundle)
}

test_success_current_under_sr_11_7 if {
	control.deny == set() with input as fx.input_at("production", fx.bundle) with data.gate.overrides as _sr_11_7
}

test_success_sr_26_2_follows_tier_cadence if {
	control.deny == set() with input as fx.input_at("production", _medium_reviewed_16_months_ago)
	control.review_months == 18 with input as fx.input_at("production", _medium_reviewed_16_months_ago)
}

test_fail_sr_11_7_requires_annual_review if {
	control.review_months == 12 with input as fx.input_at("production", _medium_reviewed_16_months_ago)
		with data.gate.overrides as _sr_11_7
	{v.msg | some v in control.deny} == {"the last periodic review (2025-07-30) is more than 12 months old under SR 11-7 (selected by the policy data; SR 26-2 is in force on 2026-11-30); it was due by 2026-07-30"} with input as fx.input_at("production", _medium_reviewed_16_months_ago)
		with data.gate.overrides as _sr_11_7
}

test_fail_review_overdue_under_both_guidances if {
	b := fx.patched({"inventory": {"last_periodic_review_date": "2025-10-01"}})
	fx.paths(control.deny) == {"$.inventory.last_periodic_review_date"} with input as fx.input_at("monitoring", b)
	fx.paths(control.deny) == {"$.inventory.last_periodic_review_date"} with input as fx.input_at("monitoring", b)
		with data.gate.overrides as _sr_11_7
}

test_fail_unknown_guidance if {
	fx.paths(control.deny) == {"data.gate.config.sr117.guidance"} with input as fx.input_at("production", fx.bundle)
		with data.gate.overrides as {"sr117": {"guidance": "SR 99-1"}}
}

test_fail_missing_dates if {
	fx.paths(control.deny) == {
		"$.inventory.last_periodic_review_date",
		"$.inventory.last_validation_date",
		"$.inventory.next_validation_due",
	} with input as fx.input_at("production", fx.without(["/inventory"]))
}

test_fail_revalidation_overdue if {
	b := fx.patched({"inventory": {"last_validation_date": "2025-10-20", "next_validation_due": "2026-10-20"}})
	fx.paths(control.deny) == {
		"$.inventory.last_validation_date",
		"$.inventory.next_validation_due",
	} with input as fx.input_at("production", b)
}

test_fail_due_date_beyond_tier_interval if {
	b := fx.patched({"inventory": {"next_validation_due": "2028-10-20"}})
	fx.paths(control.deny) == {"$.inventory.next_validation_due"} with input as fx.input_at("production", b)
}

test_success_medium_tier_longer_interval if {
	b := fx.patched({"model": {"risk_tier": "medium"}, "inventory": {"last_validation_date": "2025-10-20", "next_validation_due": "2027-10-20"}})
	control.deny == set() with input as fx.input_at("production", b)
}

test_success_metadata_names_both_guidances if {
	control.control.id == "SR117-VAL-08"
	contains(control.control.section, "SR 11-7")
	contains(control.control.section, "SR 26-2")
}

# A low-tier model (24-month tier cadence) reviewed 13 months before a decision dated
# before SR 26-2 existed: SR 11-7's annual review applies, whatever the setting says.
_low_reviewed_13_months_before := fx.patched({
	"model": {"risk_tier": "low"},
	"inventory": {"last_periodic_review_date": "2025-03-01"},
})

test_fail_sr_11_7_annual_review_not_stretched_by_tier_before_sr_26_2 if {
	inp := object.union(fx.input_at("production", _low_reviewed_13_months_before), {"context": {"now": "2026-04-10T12:00:00Z"}})
	control.review_months == 12 with input as inp
	{v.msg | some v in control.deny} == {"the last periodic review (2025-03-01) is more than 12 months old under SR 11-7 (in force on 2026-04-10); it was due by 2026-03-01"} with input as inp
}

test_success_same_model_after_sr_26_2_follows_the_tier if {
	inp := object.union(fx.input_at("production", _low_reviewed_13_months_before), {"context": {"now": "2026-04-20T12:00:00Z"}})
	control.review_months == 24 with input as inp
	control.deny == set() with input as inp
}

test_fail_interval_not_a_whole_number_of_months if {
	fx.paths(control.deny) == {"data.gate.config.sr117.tiers.high.revalidation_months"} with input as fx.input_at("production", fx.bundle)
		with data.gate.overrides as {"sr117": {"tiers": {"high": {"revalidation_months": "twelve"}}}}
	{v.msg | some v in control.deny} == {"the policy data's periodic_review_months for high-tier models is 1.5, not a whole number of months"} with input as fx.input_at("production", fx.bundle)
		with data.gate.overrides as {"sr117": {"tiers": {"high": {"periodic_review_months": 1.5}}}}
}

test_success_revalidation_interval_is_the_tiers_data if {
	b := fx.patched({"inventory": {"last_validation_date": "2025-10-20", "next_validation_due": "2026-12-20"}})
	"$.inventory.last_validation_date" in fx.paths(control.deny) with input as fx.input_at("production", b)
	not "$.inventory.last_validation_date" in fx.paths(control.deny) with input as fx.input_at("production", b)
		with data.gate.overrides as {"sr117": {"tiers": {"high": {"revalidation_months": 14}}}}
}

# Policy data with no guidance in force on the decision date (SR 26-2 dated after it) still
# reports an overdue review under the selected SR 11-7: the message must not depend on a
# guidance being in force.
test_fail_review_overdue_when_no_guidance_is_in_force if {
	{v.msg | some v in control.deny} == {"the last periodic review (2025-07-30) is more than 12 months old under SR 11-7 (selected by the policy data; no guidance in the policy data is in force on 2026-11-30); it was due by 2026-07-30"} with input as fx.input_at("production", _medium_reviewed_16_months_ago)
		with data.gate.overrides as {"sr117": {"guidance": "SR 11-7", "guidances": {"SR 26-2": {"effective_from": "2026-12-01"}}}}
}
