# METADATA
# title: Date and time helpers
# description: |
#   Strict RFC 3339 times and YYYY-MM-DD dates. A value that is not one (TBD, 2026-13-45,
#   a year OPA cannot represent) is reported by the control as a violation: every
#   comparison here is written so that an unparseable value is caught by a positive
#   rule (invalid_time, invalid_date), never left undefined. Not a control.
package gate.lib.dates

_time_shape := `^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$`

# is_time holds for an RFC 3339 date-time that OPA can represent (years 1678 to 2262).
is_time(v) if {
	is_string(v)
	regex.match(_time_shape, v)
	time.parse_rfc3339_ns(v)
}

# is_date holds for a valid calendar date written YYYY-MM-DD.
is_date(v) if {
	is_string(v)
	regex.match(`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`, v)
	time.parse_rfc3339_ns(sprintf("%sT00:00:00Z", [v]))
}

invalid_time(v) if not is_time(v)

invalid_date(v) if not is_date(v)

ns(ts) := time.parse_rfc3339_ns(ts) if is_time(ts)

now_ns := ns(input.context.now)

# today is the decision date, YYYY-MM-DD (UTC).
today := time.format([now_ns, "UTC", "2006-01-02"])

# in_past holds for a valid time at or before the decision time.
in_past(ts) if ns(ts) <= now_ns

# in_future holds for a valid time after the decision time.
in_future(ts) if ns(ts) > now_ns

# before holds when valid time a is strictly earlier than valid time b.
before(a, b) if ns(a) < ns(b)

# add_months returns the calendar date (YYYY-MM-DD) months after a valid date.
add_months(date, months) := time.format([
	time.add_date(time.parse_rfc3339_ns(sprintf("%sT00:00:00Z", [date])), 0, months, 0),
	"UTC",
	"2006-01-02",
]) if {
	is_date(date)
}

_day_ns := ((24 * 60) * 60) * 1000000000

# days_between is the whole number of days from valid time a to valid time b.
days_between(a, b) := floor((ns(b) - ns(a)) / _day_ns)

# within_days holds when valid time b is no more than n days after valid time a (and not before it).
within_days(a, b, n) if {
	d := ns(b) - ns(a)
	d >= 0
	d <= n * _day_ns
}
