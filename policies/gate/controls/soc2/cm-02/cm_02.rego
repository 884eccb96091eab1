# METADATA
# title: Change record describes type, risk, impact and rollback
# description: |
#   The change record states the change type, a risk assessment with its level and impact,
#   the components affected (data, model, config, infrastructure, code), a description and
#   a rollback plan.
# custom:
#   control_id: SOC2-CM-02
#   framework: SOC 2
#   section: TSC CC8.1 (designs and develops changes; documents changes); CC3.4
#   severity: medium
#   stages: [merge]
package gate.controls.soc2["cm-02"]

import data.gate.lib.result
import data.gate.lib.values

control := result.control(rego.metadata.chain())

_change := object.get(input.bundle, "change", {})

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the change record has no %s", [field]),
	sprintf("$.change.%s", [field]),
	"describe the change: its type, what it does and how to roll it back",
) if {
	some field in ["type", "description", "rollback_plan_uri"]
	not values.text(object.get(_change, field, null))
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the change's risk assessment has no %s", [field]),
	sprintf("$.change.risk_assessment.%s", [field]),
	"assess the change's risk level and its impact",
) if {
	some field in ["level", "impact"]
	not values.text(object.get(_change, ["risk_assessment", field], null))
}

deny contains result.violation(
	rego.metadata.chain(),
	"the change does not say which components it affects",
	"$.change.affected_components",
	"list the affected components (data, model, config, infrastructure, code)",
) if {
	count(object.get(_change, "affected_components", [])) == 0
}
