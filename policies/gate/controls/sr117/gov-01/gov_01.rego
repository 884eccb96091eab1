# METADATA
# title: Production use approved at the tier's authority, citing effective challenge
# description: |
#   A designated authority approves production use at the level the tier sets
#   (settings sr117.tiers.<tier>.governance_approvers: role to count; by default the
#   model risk committee for high tier and model risk management otherwise; an
#   organisation may name executive instead). The approval rests on a record of
#   effective challenge: validator questions, developer answers and resulting changes.
# custom:
#   control_id: SR117-GOV-01
#   framework: SR 11-7 / SR 26-2
#   section: SR 11-7 §VI (board and senior management; policies; roles) and §III (effective challenge); SR 26-2 §VI (governance)
#   severity: critical
#   stages: [production]
#   effective_from_data: [sr117, guidances, "SR 11-7", effective_from]
package gate.controls.sr117["gov-01"]

import data.gate.controls.sr117.lib
import data.gate.lib.result
import data.gate.lib.values

control := result.control(rego.metadata.chain())

deny contains result.violation(
	rego.metadata.chain(),
	"no record of effective challenge is linked",
	"$.validation.effective_challenge_log_uri",
	"link the effective-challenge log: the validator's questions, the developers' answers and the changes made",
) if {
	not values.present(object.get(input.bundle, ["validation", "effective_challenge_log_uri"], ""))
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the risk tier %v sets no approval authority", [object.get(input.bundle, ["model", "risk_tier"], "missing")]),
	"$.model.risk_tier",
	"assign a risk tier defined in the MRM policy",
) if {
	not lib.tier.governance_approvers
}

required_approvals contains result.approval_requirement(
	rego.metadata.chain(),
	role,
	n,
	sprintf("%s approves production use of a %s-tier model", [role, input.bundle.model.risk_tier]),
) if {
	some role, n in lib.tier.governance_approvers
	n > 0
}
