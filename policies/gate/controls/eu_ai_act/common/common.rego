# METADATA
# title: EU AI Act shared applicability and helpers
# description: |
#   Scope and application dates shared by the EU AI Act controls. The high-risk regime
#   applies when eu_ai_act.applicable is true and the classification record does not
#   say the system is not high-risk. The date the Chapter III obligations apply
#   depends on the classification route: Annex III systems (annex_iii_point such as
#   "5(b)") from one date, Annex I product-embedded systems (annex_iii_point "none")
#   from a later one, both read from data (application_dates). Not a control: it
#   defines no `control`, so the gate does not list it.
package gate.controls.eu_ai_act.common

import data.gate.lib.config
import data.gate.lib.dates
import data.gate.lib.values

settings := config.settings.eu_ai_act

eu := object.get(input.bundle, "eu_ai_act", {})

classification := object.get(eu, "classification", {})

today := substring(input.context.now, 0, 10)

in_scope if eu.applicable == true

# The route decides the application date. Without a record the earlier date is
# assumed, so a missing classification never postpones an obligation.
route := "annex_i" if {
	classification.annex_iii_point == "none"
} else := "annex_iii"

application_date := settings.application_dates[route]

# not_high_risk_reason is defined when the record classifies the system as not
# high-risk (fraud exclusion or Art 6(3) derogation), which the classification
# control then has to justify.
not_high_risk_reason := "the classification record says the system is not high-risk (fraud exclusion claimed)" if {
	classification.high_risk == false
	classification.fraud_exception_claimed == true
} else := "the classification record says the system is not high-risk (Art 6(3) derogation or no Annex I/III ground)" if {
	classification.high_risk == false
}

out_of_scope_reason := "eu_ai_act.applicable is not true: the model is outside the EU AI Act high-risk regime"

# high_risk_reason is the reason a Chapter III high-risk obligation does not apply
# (yet); undefined when it applies.
high_risk_reason := out_of_scope_reason if {
	not in_scope
} else := not_high_risk_reason if {
	not_high_risk_reason
} else := sprintf("not yet in force for this system: %s apply from %s", [settings.route_labels[route], application_date]) if {
	today < application_date
}

# ------------------------------------------------------------------ value helpers

# get reads a path below the bundle, null when absent.
get(path) := object.get(input.bundle, path, null)

# json_path renders a bundle path as $.a.b[0].c for evidence_path.
json_path(path) := concat("", array.concat(["$"], [_segment(p) | some p in path]))

_segment(p) := sprintf("[%d]", [p]) if is_number(p)

_segment(p) := sprintf(".%s", [p]) if is_string(p)

# ------------------------------------------------------------------ required fields

# lacks(path, kind) holds when the bundle value at path is not of the required kind:
# text (non-empty string), items (non-empty array), entries (non-empty object), true,
# bool, number, time (RFC 3339), date (YYYY-MM-DD) or digest (sha256:<hex>).
lacks(path, "text") if not values.text(get(path))

lacks(path, "items") if not values.items(get(path))

lacks(path, "entries") if not _has_entries(get(path))

lacks(path, "true") if get(path) != true

lacks(path, "bool") if not is_boolean(get(path))

lacks(path, "number") if not is_number(get(path))

lacks(path, "time") if not dates.is_time(get(path))

lacks(path, "date") if not dates.is_date(get(path))

lacks(path, "digest") if not values.sha256_digest(get(path))

_has_entries(v) if {
	is_object(v)
	count(v) > 0
}

_kind_text := {
	"text": "is missing or empty",
	"items": "is missing or lists nothing",
	"entries": "is missing or has no entries",
	"true": "is not true",
	"bool": "is missing (state true or false)",
	"number": "is missing or not a number",
	"time": "is missing or not an RFC 3339 time",
	"date": "is missing or not a YYYY-MM-DD date",
	"digest": "is missing or not a sha256:<hex> digest",
}

# gap_msg describes a required field that lacks its kind.
gap_msg(field) := sprintf("%s %s", [json_path(field.path), _kind_text[field.kind]])

# ------------------------------------------------------------------ accuracy

# accuracy_gaps maps each declared accuracy metric that testing.results does not
# confirm (absent, or further from the declared value than the tolerance) to a reason.
accuracy_gaps[metric] := "has no tested result" if {
	some metric, _ in object.get(eu, ["ifu", "declared_accuracy"], {})
	not is_number(object.get(input.bundle, ["testing", "results", metric], null))
}

accuracy_gaps[metric] := sprintf("is declared as %v but tested at %v", [declared, tested]) if {
	some metric, declared in object.get(eu, ["ifu", "declared_accuracy"], {})
	tested := input.bundle.testing.results[metric]
	is_number(tested)
	abs(declared - tested) > settings.declared_accuracy_tolerance
}
