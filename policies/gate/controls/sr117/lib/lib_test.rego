package gate.controls.sr117.lib_test

import data.gate.controls.sr117.lib

test_success_default_guidance_is_sr_26_2 if {
	lib.guidance == "SR 26-2" with data.gate.overrides as {}
	not lib.rules.fixed_periodic_review_months
}

test_success_guidance_is_selectable if {
	lib.guidance == "SR 11-7" with data.gate.overrides as {"sr117": {"guidance": "SR 11-7"}}
	lib.rules.fixed_periodic_review_months == 12 with data.gate.overrides as {"sr117": {"guidance": "SR 11-7"}}
		with input as _on("2026-11-30")
}

_on(day) := {"context": {"now": sprintf("%sT12:00:00Z", [day])}}

test_success_sr_11_7_applies_before_sr_26_2_was_issued if {
	lib.in_force == "SR 11-7" with input as _on("2026-04-16")
	lib.applied == "SR 11-7" with input as _on("2026-04-16")
	lib.note == "SR 11-7 (in force on 2026-04-16)" with input as _on("2026-04-16")
	lib.rules.fixed_periodic_review_months == 12 with input as _on("2026-04-16")
}

test_success_sr_26_2_in_force_from_17_april_2026 if {
	lib.in_force == "SR 26-2" with input as _on("2026-04-17")
	lib.note == "SR 26-2 (in force on 2026-04-17)" with input as _on("2026-04-17")
}

test_success_bank_keeps_sr_11_7_after_it_was_superseded if {
	lib.note == "SR 11-7 (selected by the policy data; SR 26-2 is in force on 2026-11-30)" with input as _on("2026-11-30")
		with data.gate.overrides as {"sr117": {"guidance": "SR 11-7"}}
}

test_fail_unknown_guidance_has_no_rules if {
	not lib.rules with data.gate.overrides as {"sr117": {"guidance": "SR 99-1"}}
}

test_success_tier_follows_bundle if {
	lib.tier.revalidation_months == 24 with input as {"bundle": {"model": {"risk_tier": "medium"}}}
}

test_success_today_is_the_decision_date if {
	lib.today == "2026-11-30" with input.context.now as "2026-11-30T12:00:00Z"
}
