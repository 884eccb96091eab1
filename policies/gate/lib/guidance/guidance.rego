# METADATA
# title: Supervisory guidance
# description: |
#   Which model risk management guidance a decision applies, from the dates in the
#   policy data (settings sr117.guidances: SR 11-7 from 2011-04-04 until 2026-04-17,
#   SR 26-2 from 2026-04-17) and the bank's selection (settings sr117.guidance). The
#   guidance applied is the selected one once it has been issued, and before then the
#   one in force on the decision date, so a decision dated before SR 26-2 never applies
#   it while a bank may keep SR 11-7 after it was superseded. Every decision names the
#   result (summary); the SR controls read their rules from it. Not a control.
package gate.lib.guidance

import data.gate.lib.config
import data.gate.lib.dates

_settings := config.settings.sr117

# selected is the bank's choice in the policy data (a base-branch override may change it).
selected := _settings.guidance

# known holds when the selection names a guidance the policy data dates.
known if _settings.guidances[selected]

_in_force_on(g, day) if {
	g.effective_from <= day
	object.get(g, "effective_until", "") == ""
}

_in_force_on(g, day) if {
	g.effective_from <= day
	day < g.effective_until
}

# in_force is the guidance in force on the decision date, by the dates in data;
# undefined before the first was issued.
in_force := name if {
	some name, g in _settings.guidances
	_in_force_on(g, dates.today)
}

# applied is the guidance the decision applies: the selected one once it has been
# issued, the one in force before that.
applied := selected if {
	_settings.guidances[selected].effective_from <= dates.today
} else := in_force if known

default _applied := ""

_applied := applied

default _in_force := ""

_in_force := in_force

default _selected := ""

_selected := selected

# summary is what the decision says of the guidance, "" where nothing applies (a date
# before any guidance was issued, or a selection the policy data does not date).
default summary := {
	"selected": "",
	"applied": "",
	"in_force": "",
	"effective_from": "",
	"effective_until": "",
}

summary := {
	"selected": _selected,
	"applied": _applied,
	"in_force": _in_force,
	"effective_from": object.get(_settings.guidances, [_applied, "effective_from"], ""),
	"effective_until": object.get(_settings.guidances, [_applied, "effective_until"], ""),
}
