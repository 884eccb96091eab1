package gate.lib.guidance_test

import data.gate.lib.guidance

_on(day) := {"context": {"now": sprintf("%sT12:00:00Z", [day])}}

_keep_sr_11_7 := {"sr117": {"guidance": "SR 11-7"}}

test_success_sr_26_2_applied_on_the_day_it_was_issued if {
	guidance.summary == {
		"selected": "SR 26-2",
		"applied": "SR 26-2",
		"in_force": "SR 26-2",
		"effective_from": "2026-04-17",
		"effective_until": "",
	} with input as _on("2026-04-17")
}

test_success_sr_11_7_applied_the_day_before_sr_26_2 if {
	guidance.summary == {
		"selected": "SR 26-2",
		"applied": "SR 11-7",
		"in_force": "SR 11-7",
		"effective_from": "2011-04-04",
		"effective_until": "2026-04-17",
	} with input as _on("2026-04-16")
}

test_success_bank_keeps_sr_11_7_after_it_was_superseded if {
	guidance.summary == {
		"selected": "SR 11-7",
		"applied": "SR 11-7",
		"in_force": "SR 26-2",
		"effective_from": "2011-04-04",
		"effective_until": "2026-04-17",
	} with input as _on("2026-11-30")
		with data.gate.overrides as _keep_sr_11_7
}

test_success_bank_selection_of_sr_11_7_before_2026 if {
	guidance.summary == {
		"selected": "SR 11-7",
		"applied": "SR 11-7",
		"in_force": "SR 11-7",
		"effective_from": "2011-04-04",
		"effective_until": "2026-04-17",
	} with input as _on("2019-06-30")
		with data.gate.overrides as _keep_sr_11_7
}

test_success_no_guidance_before_sr_11_7_was_issued if {
	guidance.summary == {
		"selected": "SR 26-2",
		"applied": "",
		"in_force": "",
		"effective_from": "",
		"effective_until": "",
	} with input as _on("2011-04-03")
}

test_success_overridden_date_moves_the_switch if {
	guidance.summary.applied == "SR 11-7" with input as _on("2026-11-30")
		with data.gate.overrides as {"sr117": {"guidances": {
			"SR 26-2": {"effective_from": "2027-01-01"},
			"SR 11-7": {"effective_until": "2027-01-01"},
		}}}
}

test_fail_unknown_selection_is_not_known if {
	not guidance.known with data.gate.overrides as {"sr117": {"guidance": "SR 99-1"}}
	guidance.summary == {
		"selected": "SR 99-1",
		"applied": "",
		"in_force": "SR 26-2",
		"effective_from": "",
		"effective_until": "",
	} with input as _on("2026-11-30")
		with data.gate.overrides as {"sr117": {"guidance": "SR 99-1"}}
}

test_success_malformed_now_gives_an_empty_summary if {
	guidance.summary == {
		"selected": "SR 26-2",
		"applied": "",
		"in_force": "",
		"effective_from": "",
		"effective_until": "",
	} with input as {"context": {"now": "yesterday"}}
}

test_fail_no_selection_is_not_known if {
	not guidance.known with data.gate.config.sr117 as {"guidances": {"SR 26-2": {"effective_from": "2026-04-17"}}}
	guidance.summary == {
		"selected": "",
		"applied": "",
		"in_force": "SR 26-2",
		"effective_from": "",
		"effective_until": "",
	} with input as _on("2026-11-30")
		with data.gate.config.sr117 as {"guidances": {"SR 26-2": {"effective_from": "2026-04-17"}}}
}

test_fail_no_guidances_in_data_give_an_empty_summary if {
	guidance.summary == {
		"selected": "",
		"applied": "",
		"in_force": "",
		"effective_from": "",
		"effective_until": "",
	} with input as _on("2026-11-30")
		with data.gate.config.sr117 as {}
}
