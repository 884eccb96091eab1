# METADATA
# title: Conformity assessed, declaration signed, CE marked and registered
# description: |
#   Before the system is placed on the market: a completed conformity assessment
#   (internal control under Annex VI for Annex III points 2-8), a signed EU declaration
#   of conformity drawn up after it, CE marking (digital is allowed) and, for Annex III
#   systems, registration in the EU database.
# custom:
#   control_id: EUAIA-CA-01
#   framework: EU AI Act
#   section: Art 43(2), Annex VI; Art 47; Art 48; Art 49(1); Art 16
#   severity: critical
#   stages: [production]
#   effective_from_data: [eu_ai_act, application_dates, annex_iii]
package gate.controls.eu_ai_act["ca-01"]

import data.gate.controls.eu_ai_act.common
import data.gate.lib.dates
import data.gate.lib.result
import data.gate.lib.values

control := result.control(rego.metadata.chain())

not_applicable_reason := common.high_risk_reason

_c := ["eu_ai_act", "conformity"]

_conformity := object.get(common.eu, "conformity", {})

_fields := [
	{"path": array.concat(_c, ["procedure"]), "kind": "text", "fix": "record the conformity assessment procedure followed"},
	{"path": array.concat(_c, ["completed_at"]), "kind": "time", "fix": "complete the conformity assessment and record when"},
	{"path": array.concat(_c, ["doc_uri"]), "kind": "text", "fix": "draw up the EU declaration of conformity and link it"},
	{"path": array.concat(_c, ["doc_signed_by"]), "kind": "text", "fix": "have the declaration signed and record the signatory's name and function"},
	{"path": array.concat(_c, ["doc_signed_at"]), "kind": "time", "fix": "record when the declaration was signed"},
	{"path": array.concat(_c, ["ce_marking"]), "kind": "true", "fix": "affix the CE marking (a digital marking is allowed)"},
]

_registration := {"path": array.concat(_c, ["eu_db_registration_id"]), "kind": "text", "fix": "register the system in the EU database and record the registration id"}

deny contains result.violation(rego.metadata.chain(), common.gap_msg(f), common.json_path(f.path), f.fix) if {
	some f in _fields
	common.lacks(f.path, f.kind)
}

deny contains result.violation(rego.metadata.chain(), common.gap_msg(_registration), common.json_path(_registration.path), _registration.fix) if {
	common.route == "annex_iii"
	common.lacks(_registration.path, _registration.kind)
}

# Annex III points 2-8 follow internal control (Annex VI).
deny contains result.violation(
	rego.metadata.chain(),
	sprintf("Annex III point %s systems follow internal control (annex_vi), not %s", [point, _conformity.procedure]),
	"$.eu_ai_act.conformity.procedure",
	"carry out the conformity assessment based on internal control (Annex VI)",
) if {
	point := common.classification.annex_iii_point
	regex.find_n(`^\d+`, point, 1)[0] in common.settings.annex_vi_points
	values.text(_conformity.procedure)
	_conformity.procedure != "annex_vi"
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the conformity assessment is dated %s, after the gate's evaluation time", [_conformity.completed_at]),
	"$.eu_ai_act.conformity.completed_at",
	"finish the conformity assessment before the production promotion",
) if {
	dates.is_time(_conformity.completed_at)
	not dates.in_past(_conformity.completed_at)
}

deny contains result.violation(
	rego.metadata.chain(),
	"the declaration of conformity was signed before the conformity assessment completed",
	"$.eu_ai_act.conformity.doc_signed_at",
	"sign the declaration of conformity once the assessment is complete",
) if {
	time.parse_rfc3339_ns(_conformity.doc_signed_at) < time.parse_rfc3339_ns(_conformity.completed_at)
}
