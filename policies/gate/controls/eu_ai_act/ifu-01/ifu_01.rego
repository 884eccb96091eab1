# METADATA
# title: Instructions for use cover Art 13(3) and declare the tested accuracy
# description: |
#   The instructions for use point to each Art 13(3) item (a, b(i)-(vii), c, d, e,
#   f), declare accuracy figures, and every declared figure matches the tested result
#   within the tolerance in data.
# custom:
#   control_id: EUAIA-IFU-01
#   framework: EU AI Act
#   section: Art 13(2)-(3)(a)-(f); Art 15(3)
#   severity: high
#   stages: [production]
#   effective_from_data: [eu_ai_act, application_dates, annex_iii]
package gate.controls.eu_ai_act["ifu-01"]

import data.gate.controls.eu_ai_act.common
import data.gate.lib.result

control := result.control(rego.metadata.chain())

not_applicable_reason := common.high_risk_reason

_items := ["a", "b_i", "b_ii", "b_iii", "b_iv", "b_v", "b_vi", "b_vii", "c", "d", "e", "f"]

_sections := [{"path": ["eu_ai_act", "ifu", "sections", s], "kind": "text", "fix": sprintf("cover Art 13(3) item %s in the instructions for use and point to it", [s])} |
	some s in _items
]

_fields := array.concat(_sections, [
	{"path": ["eu_ai_act", "ifu", "uri"], "kind": "text", "fix": "link the instructions for use"},
	{"path": ["eu_ai_act", "ifu", "declared_accuracy"], "kind": "entries", "fix": "declare the accuracy metrics and their levels in the instructions for use"},
])

deny contains result.violation(rego.metadata.chain(), common.gap_msg(f), common.json_path(f.path), f.fix) if {
	some f in _fields
	common.lacks(f.path, f.kind)
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("declared accuracy %s %s", [metric, reason]),
	sprintf("$.eu_ai_act.ifu.declared_accuracy.%s", [metric]),
	"declare in the instructions for use the accuracy the tests actually measured",
) if {
	some metric, reason in common.accuracy_gaps
}
