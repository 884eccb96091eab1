# METADATA
# title: FDA GMLP / PCCP shared applicability and helpers
# description: |
#   Applicability and value helpers shared by the FDA controls. Every FDA control
#   applies only to a device software function (fda.device_function true). The PCCP
#   controls further apply only to a change that modifies the device model: one linked
#   to a PCCP modification, or one whose type or touched components the fda settings
#   (pccp_change_types, pccp_components) treat as a model modification. Not a control:
#   it defines no `control`, so the gate does not list it.
package gate.controls.fda.common

import data.gate.lib.config

settings := config.settings.fda

fda := object.get(input.bundle, "fda", {})

change := object.get(input.bundle, "change", {})

not_device_reason := "the model is not a device software function (fda.device_function is not true)"

device_function if fda.device_function == true

# device_reason is defined (the reason) when the FDA controls do not apply.
device_reason := not_device_reason if not device_function

# ------------------------------------------------------------------ PCCP scope

_linked if is_object(change.pccp)

_modifies_model if change.type in settings.pccp_change_types

_modifies_model if {
	some c in object.get(change, "affected_components", [])
	c in settings.pccp_components
}

# Without a change type the gate cannot tell, so the PCCP controls apply.
_modifies_model if not is_string(object.get(change, "type", null))

# pccp_reason is defined (the reason) when the PCCP controls do not apply.
pccp_reason := not_device_reason if {
	not device_function
} else := "a new model is cleared through its own marketing submission, not as a PCCP modification" if {
	not _linked
	change.type == "new_model"
} else := sprintf("the %s change touches neither the model nor its data, so no PCCP modification is involved", [change.type]) if {
	not _linked
	not _modifies_model
}

# ------------------------------------------------------------------ value helpers

text(v) if {
	is_string(v)
	trim_space(v) != ""
}

nonempty_array(v) if {
	is_array(v)
	count(v) > 0
}

nonempty_object(v) if {
	is_object(v)
	count(v) > 0
}

# ns is the time in nanoseconds, undefined when v is not an RFC 3339 time.
ns(v) := time.parse_rfc3339_ns(v) if is_string(v)

# meets holds when value is a number inside every limit of bound ({min, max}).
meets(value, bound) if {
	is_number(value)
	nonempty_object(bound)
	every kind, limit in bound {
		_within(kind, value, limit)
	}
}

_within("min", value, limit) if value >= limit

_within("max", value, limit) if value <= limit

# describe renders a bound for a message, e.g. ">= 0.92 and <= 1".
describe(bound) := concat(" and ", [s |
	some kind in ["min", "max"]
	limit := bound[kind]
	s := sprintf("%s %v", [{"min": ">=", "max": "<="}[kind], limit])
]) if is_object(bound)

describe(bound) := sprintf("%v", [bound]) if not is_object(bound)
