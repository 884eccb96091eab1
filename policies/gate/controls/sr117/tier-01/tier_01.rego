# METADATA
# title: Risk tier documented and approved
# description: |
#   The model has a risk tier (materiality) backed by its exposure, its purpose and a
#   written rationale, and model risk management approves the tier. The tier drives
#   the depth of validation and monitoring in the other SR controls. The approval is
#   required at the stages in settings sr117.mrm_approval_stages, by the count in
#   settings sr117.tiers.<tier>.approvers.mrm.
# custom:
#   control_id: SR117-TIER-01
#   framework: SR 11-7 / SR 26-2
#   section: SR 11-7 §III and §V (rigour proportionate to risk); SR 26-2 §III (materiality = exposure and purpose)
#   severity: high
#   stages: [merge]
#   effective_from_data: [sr117, guidances, "SR 11-7", effective_from]
package gate.controls.sr117["tier-01"]

import data.gate.controls.sr117.lib
import data.gate.lib.result
import data.gate.lib.values

control := result.control(rego.metadata.chain())

_tiering := object.get(input.bundle, ["model", "tiering"], {})

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the risk tier %v has no settings; tiers known: %s", [object.get(input.bundle, ["model", "risk_tier"], "missing"), concat(", ", object.keys(lib.settings.tiers))]),
	"$.model.risk_tier",
	"assign one of the tiers defined in the MRM policy",
) if {
	not lib.tier
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the tiering record has no %s", [field]),
	sprintf("$.model.tiering.%s", [field]),
	"document the model's materiality: its exposure, its purpose and the tiering rationale",
) if {
	some field in values.missing(_tiering, ["exposure", "purpose", "rationale_uri"])
}

warn contains result.violation(
	rego.metadata.chain(),
	sprintf("risk tier %s is below high although the model is a high-risk AI system or a device function; EU AI Act and FDA obligations do not scale down", [input.bundle.model.risk_tier]),
	"$.model.risk_tier",
	"review the tier with model risk management",
) if {
	input.bundle.model.risk_tier != "high"
	_externally_high_risk
}

_externally_high_risk if input.bundle.eu_ai_act.applicable == true

_externally_high_risk if input.bundle.fda.device_function == true

required_approvals contains result.approval_requirement(
	rego.metadata.chain(),
	"mrm",
	n,
	sprintf("model risk management approves the %s risk tier", [input.bundle.model.risk_tier]),
) if {
	input.stage in lib.settings.mrm_approval_stages
	n := object.get(lib.tier, ["approvers", "mrm"], 1)
	n > 0
}
