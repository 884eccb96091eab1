package gate.lib.dates_test

import data.gate.lib.dates

_at(now) := {"context": {"now": now}}

test_success_valid_times_and_dates if {
	dates.is_time("2026-11-30T12:00:00Z")
	dates.is_time("2026-11-30T12:00:00.5+01:00")
	dates.is_date("2024-02-29")
}

test_fail_impossible_or_unparseable_values_are_invalid if {
	dates.invalid_date("2026-13-45")
	dates.invalid_date("2025-02-29")
	dates.invalid_date("TBD")
	dates.invalid_date(20261130)
	dates.invalid_time("2026-13-45T00:00:00Z")
	dates.invalid_time("9999-01-01T00:00:00Z")
	dates.invalid_time("1000-01-01T00:00:00Z")
	dates.invalid_time("2026-11-30 12:00:00Z")
	dates.invalid_time(null)
}

test_success_past_future_and_today if {
	dates.in_past("2026-11-30T11:59:59Z") with input as _at("2026-11-30T12:00:00Z")
	dates.in_future("2026-11-30T12:00:01Z") with input as _at("2026-11-30T12:00:00Z")
	dates.today == "2026-11-29" with input as _at("2026-11-30T00:30:00+01:00")
}

test_fail_invalid_time_is_neither_past_nor_future if {
	not dates.in_past("TBD") with input as _at("2026-11-30T12:00:00Z")
	not dates.in_future("TBD") with input as _at("2026-11-30T12:00:00Z")
}

test_success_months_and_days if {
	dates.add_months("2026-01-31", 1) == "2026-03-03"
	dates.add_months("2025-04-17", 12) == "2026-04-17"
	dates.days_between("2026-01-01T00:00:00Z", "2026-01-31T23:00:00Z") == 30
	dates.within_days("2026-01-01T00:00:00Z", "2026-01-31T00:00:00Z", 30)
}

test_fail_outside_n_days if {
	not dates.within_days("2026-01-01T00:00:00Z", "2026-01-31T00:00:01Z", 30)
	not dates.within_days("2026-01-02T00:00:00Z", "2026-01-01T00:00:00Z", 30)
	not dates.before("TBD", "2026-01-01T00:00:00Z")
}
