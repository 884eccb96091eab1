# METADATA
# title: Training, validation and test data under documented governance
# description: |
#   The data-governance record covers every Art 10(2) item: design choices, collection
#   and origin (with the original purpose of personal data), preparation steps,
#   assumptions, availability and sufficiency, the bias examination report, bias
#   mitigations and known data gaps.
# custom:
#   control_id: EUAIA-DATA-01
#   framework: EU AI Act
#   section: Art 10(2)(a)-(h)
#   severity: high
#   stages: [merge]
#   effective_from_data: [eu_ai_act, application_dates, annex_iii]
package gate.controls.eu_ai_act["data-01"]

import data.gate.controls.eu_ai_act.common
import data.gate.lib.result

control := result.control(rego.metadata.chain())

not_applicable_reason := common.high_risk_reason

_g := ["data", "governance"]

_fields := [
	{"path": array.concat(_g, ["design_choices"]), "kind": "text", "fix": "describe the relevant design choices about the data"},
	{"path": array.concat(_g, ["collection_origin"]), "kind": "text", "fix": "describe how the data was collected and where it came from"},
	{"path": array.concat(_g, ["personal_data_original_purpose"]), "kind": "text", "fix": "state the purpose for which any personal data was originally collected"},
	{"path": array.concat(_g, ["preparation_ops"]), "kind": "items", "fix": "list the preparation steps (labelling, cleaning, enrichment, aggregation)"},
	{"path": array.concat(_g, ["assumptions"]), "kind": "items", "fix": "list what the data is assumed to measure and represent"},
	{"path": array.concat(_g, ["availability_assessment"]), "kind": "text", "fix": "assess whether enough suitable data is available"},
	{"path": array.concat(_g, ["bias_examination", "uri"]), "kind": "text", "fix": "link the report of the bias examination"},
	{"path": array.concat(_g, ["bias_mitigations"]), "kind": "items", "fix": "list the measures taken against the biases found"},
	{"path": array.concat(_g, ["data_gaps"]), "kind": "items", "fix": "list known data gaps and how they are handled (say so if none are known)"},
]

deny contains result.violation(rego.metadata.chain(), common.gap_msg(f), common.json_path(f.path), f.fix) if {
	some f in _fields
	common.lacks(f.path, f.kind)
}
