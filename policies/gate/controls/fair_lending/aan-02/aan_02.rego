# METADATA
# title: Adverse-action reasons match the deployed model
# description: |
#   A fidelity test shows that the reason codes agree with the deployed model's own
#   attributions, for this model version, at or above the stated agreement threshold (never
#   below the policy floor). Reason codes are regenerated whenever the model changes.
# custom:
#   control_id: FL-AAN-02
#   framework: Fair lending / ECOA
#   section: Reg B Supp. I comment 9(b)(2)-2; FCRA 15 U.S.C. 1681g(f)
#   severity: high
#   stages: [staging]
package gate.controls.fair_lending["aan-02"]

import data.gate.controls.fair_lending.common
import data.gate.lib.config
import data.gate.lib.result
import data.gate.lib.values

control := result.control(rego.metadata.chain())

_settings := config.settings.fair_lending

_aa := object.get(input.bundle, "adverse_action", {})

_fidelity := object.get(_aa, "fidelity", {})

not_applicable_reason := common.adverse_action_reason

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the reason-code fidelity test has no %s", [field]),
	sprintf("$.adverse_action.fidelity.%s", [field]),
	"run the fidelity test of reason codes against the model's attributions and record it",
) if {
	some field in ["agreement_rate", "threshold"]
	not is_number(object.get(_fidelity, field, null))
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the reason-code fidelity test has no %s", [field]),
	sprintf("$.adverse_action.fidelity.%s", [field]),
	"run the fidelity test of reason codes against the model's attributions and record it",
) if {
	some field in ["test_uri", "model_version"]
	not values.text(object.get(_fidelity, field, null))
}

_required := max({_settings.min_fidelity_agreement, object.get(_fidelity, "threshold", 0)})

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("reason codes agree with the model's attributions for %v of cases; at least %v is required", [_fidelity.agreement_rate, _required]),
	"$.adverse_action.fidelity.agreement_rate",
	"fix the reason-code derivation until it matches the model's attributions",
) if {
	_fidelity.agreement_rate < _required
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the fidelity test ran on model version %v, not %v", [_fidelity.model_version, object.get(input.bundle, ["model", "version"], "unknown")]),
	"$.adverse_action.fidelity.model_version",
	"regenerate the reason codes and rerun the fidelity test for this model version",
) if {
	values.text(object.get(_fidelity, "model_version", null))
	_fidelity.model_version != object.get(input.bundle, ["model", "version"], "")
}
