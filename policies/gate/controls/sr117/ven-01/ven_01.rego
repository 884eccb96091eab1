# METADATA
# title: Vendor model evidence, own-data validation and contingency plan
# description: |
#   A vendor or third-party model comes with the vendor's development evidence, a
#   validation on the firm's own data, documented customisations and a contingency
#   plan, and model risk management approves its production use. Applies only when
#   model.is_vendor is true.
# custom:
#   control_id: SR117-VEN-01
#   framework: SR 11-7 / SR 26-2
#   section: SR 11-7 §V (vendor and other third-party products); SR 26-2 §VII (vendor products)
#   severity: high
#   stages: [production]
#   effective_from_data: [sr117, guidances, "SR 11-7", effective_from]
package gate.controls.sr117["ven-01"]

import data.gate.controls.sr117.lib
import data.gate.lib.result
import data.gate.lib.values

control := result.control(rego.metadata.chain())

not_applicable_reason := "not a vendor model (model.is_vendor is not true)" if {
	object.get(input.bundle, ["model", "is_vendor"], false) != true
}

_fields := ["name", "dev_evidence_uri", "own_data_validation_uri", "customizations_uri", "contingency_plan_uri"]

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the vendor record has no %s", [field]),
	sprintf("$.vendor.%s", [field]),
	"obtain the vendor's development evidence, validate on your own data, document customisations and write a contingency plan",
) if {
	some field in values.missing(object.get(input.bundle, "vendor", {}), _fields)
}

required_approvals contains result.approval_requirement(
	rego.metadata.chain(),
	"mrm",
	object.get(lib.tier, ["approvers", "mrm"], 1),
	"model risk management approves the production use of a vendor model",
)
