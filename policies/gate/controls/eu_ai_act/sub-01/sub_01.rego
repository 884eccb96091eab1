# METADATA
# title: Change assessed as a substantial modification or not
# description: |
#   Every change is assessed against the predetermined-change envelope. A substantial
#   modification needs a new conformity assessment completed after the change began,
#   and legal signs it; a change within the envelope still records its reasoning.
# custom:
#   control_id: EUAIA-SUB-01
#   framework: EU AI Act
#   section: Art 3(23); Art 43(4); Art 13(3)(c)
#   severity: high
#   stages: [merge, production]
#   effective_from_data: [eu_ai_act, application_dates, annex_iii]
package gate.controls.eu_ai_act["sub-01"]

import data.gate.controls.eu_ai_act.common
import data.gate.lib.result

control := result.control(rego.metadata.chain())

not_applicable_reason := common.high_risk_reason

_sm := ["eu_ai_act", "substantial_modification"]

_fields := [
	{"path": ["eu_ai_act", "predetermined_changes_uri"], "kind": "text", "fix": "describe the predetermined changes (the envelope) and link the document"},
	{"path": array.concat(_sm, ["assessed"]), "kind": "true", "fix": "assess whether this change is a substantial modification"},
	{"path": array.concat(_sm, ["is_substantial"]), "kind": "bool", "fix": "record the outcome of the substantial-modification assessment"},
	{"path": array.concat(_sm, ["rationale"]), "kind": "text", "fix": "record the reasoning of the substantial-modification assessment"},
	{"path": ["change", "type"], "kind": "text", "fix": "classify the change"},
]

deny contains result.violation(rego.metadata.chain(), common.gap_msg(f), common.json_path(f.path), f.fix) if {
	some f in _fields
	common.lacks(f.path, f.kind)
}

_substantial if common.eu.substantial_modification.is_substantial == true

deny contains result.violation(
	rego.metadata.chain(),
	"the change is a substantial modification but no conformity assessment completed after the change began",
	"$.eu_ai_act.conformity.completed_at",
	"carry out a new conformity assessment of the modified system and record when it completed",
) if {
	_substantial
	not _reassessed
}

_reassessed if {
	time.parse_rfc3339_ns(common.eu.conformity.completed_at) > time.parse_rfc3339_ns(input.bundle.change.first_commit_at)
}

required_approvals contains result.approval_requirement(
	rego.metadata.chain(),
	"legal",
	common.settings.approvers.legal,
	"legal signs a substantial modification outside the predetermined-change envelope",
) if {
	_substantial
}
