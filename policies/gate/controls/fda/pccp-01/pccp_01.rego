# METADATA
# title: Change matches a modification of the authorised PCCP and stays within its bounds
# description: |
#   A change to the device model must implement a modification listed in the authorised
#   predetermined change control plan and stay inside the plan's bounds: the change
#   declares it, and every bound with a measured value in the modification's
#   performance evaluation is met. Anything else needs a new marketing submission, so
#   the gate blocks it.
# custom:
#   control_id: FDA-PCCP-01
#   framework: FDA GMLP / PCCP
#   section: PCCP guidance, Description of Modifications; FD&C Act §515C
#   severity: critical
#   stages: [merge]
#   effective_from_data: [fda, guidances, PCCP, effective_from]
package gate.controls.fda["pccp-01"]

import data.gate.controls.fda.common
import data.gate.lib.result

control := result.control(rego.metadata.chain())

not_applicable_reason := common.pccp_reason

_pccp := object.get(common.fda, "pccp", {})

_link := object.get(common.change, "pccp", {})

_authorised := {m | some m in object.get(_pccp, "modification_ids", [])}

_new_submission := "this change needs a new marketing submission (or an amended PCCP authorised by FDA) before it can be released"

deny contains result.violation(
	rego.metadata.chain(),
	"the authorised PCCP version is not recorded",
	"$.fda.pccp.authorized_version",
	"record the version of the PCCP FDA authorised for this device",
) if {
	not common.text(object.get(_pccp, "authorized_version", null))
}

deny contains result.violation(
	rego.metadata.chain(),
	"the authorised PCCP lists no modifications",
	"$.fda.pccp.modification_ids",
	"record the modifications the authorised PCCP describes",
) if {
	count(_authorised) == 0
}

deny contains result.violation(
	rego.metadata.chain(),
	"the authorised PCCP states no bounds",
	"$.fda.pccp.bounds",
	"record the bounds the authorised PCCP sets on its modifications",
) if {
	not common.nonempty_object(object.get(_pccp, "bounds", null))
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the change implements %v, which is not a modification of the authorised PCCP", [object.get(_link, "modification_id", "no recorded modification")]),
	"$.change.pccp.modification_id",
	_new_submission,
) if {
	not object.get(_link, "modification_id", null) in _authorised
}

deny contains result.violation(
	rego.metadata.chain(),
	"the change does not declare that it stays within the PCCP bounds",
	"$.change.pccp.within_bounds",
	_new_submission,
) if {
	object.get(_link, "within_bounds", null) != true
}

_measured := object.get(_pccp, ["protocol", "performance_eval", "results"], {})

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("%s is %v, outside the PCCP bound %s", [name, _measured[name], common.describe(bound)]),
	sprintf("$.fda.pccp.protocol.performance_eval.results.%s", [name]),
	_new_submission,
) if {
	some name, bound in object.get(_pccp, "bounds", {})
	_measured[name]
	not common.meets(_measured[name], bound)
}
