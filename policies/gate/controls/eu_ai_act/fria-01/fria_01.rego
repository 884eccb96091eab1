# METADATA
# title: Fundamental-rights impact assessment before first use; notice and explanation route
# description: |
#   A deployer of an Annex III 5(b) or 5(c) system completes a fundamental-rights
#   impact assessment before first use and notifies the authority, tells affected
#   people they are subject to the system, and offers a route to a clear and
#   meaningful explanation. The deployer's compliance function signs.
# custom:
#   control_id: EUAIA-FRIA-01
#   framework: EU AI Act
#   section: Art 27(1); Art 26(11); Art 86
#   severity: high
#   stages: [production]
#   effective_from_data: [eu_ai_act, application_dates, annex_iii]
package gate.controls.eu_ai_act["fria-01"]

import data.gate.controls.eu_ai_act.common
import data.gate.lib.dates
import data.gate.lib.result
import data.gate.lib.values

control := result.control(rego.metadata.chain())

# A missing role or point counts as in scope: missing evidence never exempts.
_role := object.get(common.eu, "role", "deployer")

_point := object.get(common.classification, "annex_iii_point", "")

not_applicable_reason := common.high_risk_reason if {
	common.high_risk_reason
} else := sprintf("the firm is the %s only; the impact assessment is a deployer duty", [_role]) if {
	not _role in common.settings.fria_roles
} else := sprintf("annex_iii_point is %s: deployers assess fundamental-rights impact only for %s", [_point, concat(" and ", common.settings.fria_annex_iii_points)]) if {
	values.text(_point)
	not _point in common.settings.fria_annex_iii_points
}

_fields := [
	{"path": ["eu_ai_act", "fria", "uri"], "kind": "text", "fix": "carry out the fundamental-rights impact assessment and link it"},
	{"path": ["eu_ai_act", "fria", "completed_at"], "kind": "time", "fix": "record when the impact assessment was completed"},
	{"path": ["eu_ai_act", "fria", "authority_notified_at"], "kind": "time", "fix": "notify the market surveillance authority of the results and record when"},
	{"path": ["eu_ai_act", "affected_person_notice_uri"], "kind": "text", "fix": "write the notice telling people they are subject to the system and link it"},
	{"path": ["eu_ai_act", "explanation_process_uri"], "kind": "text", "fix": "document how affected people obtain an explanation and link it"},
]

deny contains result.violation(rego.metadata.chain(), common.gap_msg(f), common.json_path(f.path), f.fix) if {
	some f in _fields
	common.lacks(f.path, f.kind)
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the impact assessment is dated %s, after the gate's evaluation time", [completed]),
	"$.eu_ai_act.fria.completed_at",
	"complete the impact assessment before first use",
) if {
	completed := common.eu.fria.completed_at
	dates.is_time(completed)
	not dates.in_past(completed)
}

required_approvals contains result.approval_requirement(
	rego.metadata.chain(),
	"deployer_compliance",
	common.settings.approvers.deployer_compliance,
	"the deployer's compliance function signs the fundamental-rights impact assessment",
)
