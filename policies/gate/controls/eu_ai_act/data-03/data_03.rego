# METADATA
# title: Bias examination evidenced; special-category data processed lawfully
# description: |
#   The bias examination names the attributes examined, the method and the findings.
#   When special categories of personal data are processed to detect bias, the record
#   shows why it is strictly necessary, the safeguards, who may access the data, the
#   deletion date and the entry in the GDPR Art 30 record, and the data protection
#   officer signs.
# custom:
#   control_id: EUAIA-DATA-03
#   framework: EU AI Act
#   section: Art 10(2)(f)-(g); Art 10(5) (Art 4a after Reg. (EU) 2026/1744)
#   severity: high
#   stages: [merge]
#   effective_from_data: [eu_ai_act, application_dates, annex_iii]
package gate.controls.eu_ai_act["data-03"]

import data.gate.controls.eu_ai_act.common
import data.gate.lib.result

control := result.control(rego.metadata.chain())

not_applicable_reason := common.high_risk_reason

_be := ["data", "governance", "bias_examination"]

_sc := ["data", "governance", "special_category_processing"]

_fields := [
	{"path": array.concat(_be, ["attributes"]), "kind": "items", "fix": "list the attributes examined for bias"},
	{"path": array.concat(_be, ["method"]), "kind": "text", "fix": "describe the bias examination method"},
	{"path": array.concat(_be, ["findings"]), "kind": "items", "fix": "record what the bias examination found"},
	{"path": array.concat(_sc, ["used"]), "kind": "bool", "fix": "state whether special-category data was processed for bias detection"},
]

# Processing is assumed unless the record says it did not happen.
_special_category_used if common.get(array.concat(_sc, ["used"])) != false

_special_fields := [
	{"path": array.concat(_sc, ["necessity_rationale"]), "kind": "text", "fix": "explain why processing special-category data is strictly necessary"},
	{"path": array.concat(_sc, ["safeguards"]), "kind": "items", "fix": "list the technical and organisational safeguards"},
	{"path": array.concat(_sc, ["access_list"]), "kind": "items", "fix": "list the logins allowed to access the data"},
	{"path": array.concat(_sc, ["deletion_date"]), "kind": "date", "fix": "record when the data is or was deleted"},
	{"path": array.concat(_sc, ["ropa_ref"]), "kind": "text", "fix": "reference the entry in the GDPR Art 30 record of processing"},
]

deny contains result.violation(rego.metadata.chain(), common.gap_msg(f), common.json_path(f.path), f.fix) if {
	some f in _fields
	common.lacks(f.path, f.kind)
}

deny contains result.violation(rego.metadata.chain(), common.gap_msg(f), common.json_path(f.path), f.fix) if {
	_special_category_used
	some f in _special_fields
	common.lacks(f.path, f.kind)
}

required_approvals contains result.approval_requirement(
	rego.metadata.chain(),
	"dpo",
	common.settings.approvers.dpo,
	"the data protection officer signs the processing of special-category data for bias detection",
) if {
	_special_category_used
}
