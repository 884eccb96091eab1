# METADATA
# title: SR 11-7 / SR 26-2 shared helpers
# description: |
#   Not a control (it defines no `control`). Holds the selected supervisory guidance,
#   settings sr117.guidance: "SR 26-2" (the default, in force since 17 Apr 2026) or
#   "SR 11-7" (superseded, still the basis of many bank MRM policies), the rules that
#   guidance brings (settings sr117.guidances), the SR settings of the bundle's risk
#   tier, and the presence and date helpers the SR controls share. Each guidance carries
#   its dates in data (effective_from, effective_until): the guidance applied on a
#   decision date is the bank's selection once that guidance exists, and before then the
#   guidance in force on the date (SR 11-7 until 17 Apr 2026), so a decision dated before
#   SR 26-2 never applies it.
package gate.controls.sr117.lib

import data.gate.lib.config

settings := config.settings.sr117

guidance := object.get(settings, "guidance", "SR 26-2")

_in_force_on(g, day) if {
	g.effective_from <= day
	object.get(g, "effective_until", "") == ""
}

_in_force_on(g, day) if {
	g.effective_from <= day
	day < g.effective_until
}

# in_force is the guidance in force on the decision date, by the dates in data.
in_force := name if {
	some name, g in settings.guidances
	_in_force_on(g, today)
}

# applied is the guidance the SR controls apply on the decision date: the selected one
# once it has been issued, the one in force before that.
applied := guidance if {
	settings.guidances[guidance].effective_from <= today
} else := in_force if {
	settings.guidances[guidance]
}

# note says, for messages, which guidance applies and why.
note := sprintf("%s (in force on %s)", [applied, today]) if {
	applied == in_force
} else := sprintf("%s (selected by the policy data; %s is in force on %s)", [applied, in_force, today])

# The rules of the applied guidance; undefined when the setting names no known guidance.
rules := settings.guidances[applied]

# The SR settings of the bundle's risk tier; undefined for an unknown tier.
tier := settings.tiers[input.bundle.model.risk_tier]

today := substring(input.context.now, 0, 10)

now_ns := time.parse_rfc3339_ns(input.context.now)

# present holds for a non-empty string, list or object, and for any number or boolean.
present(v) if {
	is_string(v)
	v != ""
}

present(v) if {
	is_array(v)
	count(v) > 0
}

present(v) if {
	is_object(v)
	count(v) > 0
}

present(v) if is_number(v)

present(v) if is_boolean(v)

# missing returns the fields of obj that are absent or empty.
missing(obj, fields) := {f |
	some f in fields
	not present(object.get(obj, f, null))
}

# add_months returns the calendar date (YYYY-MM-DD) months after date.
add_months(date, months) := time.format([
	time.add_date(time.parse_rfc3339_ns(sprintf("%sT00:00:00Z", [date])), 0, months, 0),
	"UTC",
	"2006-01-02",
])

# is_date holds for a valid calendar date written YYYY-MM-DD.
is_date(s) if {
	is_string(s)
	regex.match(`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`, s)
	time.parse_rfc3339_ns(sprintf("%sT00:00:00Z", [s]))
}

# in_past holds for an RFC 3339 time at or before input.context.now.
in_past(ts) if time.parse_rfc3339_ns(ts) <= now_ns

# in_future holds for an RFC 3339 time after input.context.now.
in_future(ts) if time.parse_rfc3339_ns(ts) > now_ns
