# METADATA
# title: SR 11-7 / SR 26-2 shared helpers
# description: |
#   Not a control (it defines no `control`). Holds the selected supervisory guidance,
#   settings sr117.guidance: "SR 26-2" (the default, in force since 17 Apr 2026) or
#   "SR 11-7" (superseded, still the basis of many bank MRM policies), the rules that
#   guidance brings (settings sr117.guidances), the SR settings of the bundle's risk
#   tier, and the decision date (presence and date helpers are gate.lib.values and
#   gate.lib.dates). Each guidance carries its dates in data (effective_from,
#   effective_until): the guidance applied on a decision date is the bank's selection
#   once that guidance exists, and before then the guidance in force on the date
#   (SR 11-7 until 17 Apr 2026), so a decision dated before SR 26-2 never applies it.
package gate.controls.sr117.lib

import data.gate.lib.config
import data.gate.lib.dates

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

today := dates.today
