# METADATA
# title: Fair-lending shared applicability
# description: |
#   The fair-lending controls apply to the lending use cases of the policy data
#   (fair_lending.use_cases); the adverse-action controls also stand down when the model
#   makes no adverse credit decisions. Not a control: it defines no `control`, so the
#   gate does not list it.
package gate.controls.fair_lending.common

import data.gate.lib.config

_settings := config.settings.fair_lending

_use_case := object.get(input.bundle, ["model", "use_case"], "")

_lending if _use_case in _settings.use_cases

_other_use_case(subject) := sprintf("%s to %s models, not %v", [
	subject,
	concat(", ", _settings.use_cases),
	object.get(input.bundle, ["model", "use_case"], "unknown"),
])

# testing_reason is defined when fair-lending testing does not apply to the model.
testing_reason := _other_use_case("fair-lending testing applies") if not _lending

# adverse_action_reason is defined when adverse-action notices do not apply to the model.
adverse_action_reason := _other_use_case("adverse-action notices apply") if {
	not _lending
} else := "the model makes no adverse credit decisions (adverse_action.applicable is false)" if {
	object.get(input.bundle, ["adverse_action", "applicable"], null) == false
}
