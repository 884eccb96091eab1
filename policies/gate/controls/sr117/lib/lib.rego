# METADATA
# title: SR 11-7 / SR 26-2 shared helpers
# description: |
#   Not a control (it defines no `control`). Holds, for the SR controls, the guidance
#   the decision applies (worked out once, in gate.lib.guidance, from the bank's
#   selection settings sr117.guidance and the dates of settings sr117.guidances), the
#   rules that guidance brings, the SR settings of the bundle's risk tier, and the
#   decision date (presence and date helpers are gate.lib.values and gate.lib.dates).
package gate.controls.sr117.lib

import data.gate.lib.config
import data.gate.lib.dates
import data.gate.lib.guidance as supervisory

settings := config.settings.sr117

guidance := supervisory.selected

in_force := supervisory.in_force

applied := supervisory.applied

# note says, for messages, which guidance applies and why. It is defined whenever a
# guidance applies, even on a date no guidance in the policy data is in force, so no
# message (and with it no deny) depends on in_force.
note := sprintf("%s (in force on %s)", [applied, today]) if {
	applied == in_force
} else := sprintf("%s (selected by the policy data; %s is in force on %s)", [applied, in_force, today]) if {
	in_force
} else := sprintf("%s (selected by the policy data; no guidance in the policy data is in force on %s)", [applied, today])

# The rules of the applied guidance; undefined when the setting names no known guidance.
rules := settings.guidances[applied]

# The SR settings of the bundle's risk tier; undefined for an unknown tier.
tier := settings.tiers[input.bundle.model.risk_tier]

today := dates.today
