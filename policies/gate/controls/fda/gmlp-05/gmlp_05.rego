# METADATA
# title: Reference standard (ground truth) documented, with inter-rater agreement
# description: |
#   The method that established ground truth, how disagreements were adjudicated, its
#   known limits and the protocol are recorded, and inter-rater agreement (Cohen's
#   kappa) reaches the policy minimum (settings fda.min_inter_rater_kappa). A clinical
#   lead accepts the reference standard.
# custom:
#   control_id: FDA-GMLP-05
#   framework: FDA GMLP / PCCP
#   section: GMLP Principle 5 (reference datasets based upon best available methods)
#   severity: high
#   stages: [merge]
#   effective_from_data: [fda, guidances, GMLP, effective_from]
package gate.controls.fda["gmlp-05"]

import data.gate.controls.fda.common
import data.gate.lib.result

control := result.control(rego.metadata.chain())

not_applicable_reason := common.device_reason

_ref := object.get(common.fda, "reference_standard", {})

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the reference standard's %s is not recorded", [field]),
	sprintf("$.fda.reference_standard.%s", [field]),
	"document how ground truth was established, how disagreements were adjudicated, its limits, and link the protocol",
) if {
	some field in ["method", "adjudication", "limitations", "uri"]
	not common.text(object.get(_ref, field, null))
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("inter-rater agreement (kappa) is %v, below the minimum %v", [object.get(_ref, "inter_rater_kappa", "not recorded"), common.settings.min_inter_rater_kappa]),
	"$.fda.reference_standard.inter_rater_kappa",
	"measure agreement between the annotators and improve the labelling protocol (training, adjudication) until it reaches the minimum",
) if {
	not _kappa_ok
}

_kappa_ok if {
	is_number(_ref.inter_rater_kappa)
	_ref.inter_rater_kappa >= common.settings.min_inter_rater_kappa
}

required_approvals contains result.approval_requirement(
	rego.metadata.chain(),
	"clinical_lead",
	common.settings.clinical_lead_count,
	"a clinical lead accepts the reference standard and its limits",
)
