# METADATA
# title: Impact assessment of the modification, reviewed by regulatory affairs
# description: |
#   The benefits and risks of the modification are assessed, including its cumulative
#   impact with earlier PCCP modifications, and the risk controls applied are listed.
#   Regulatory affairs signs off the assessment.
# custom:
#   control_id: FDA-PCCP-03
#   framework: FDA GMLP / PCCP
#   section: PCCP guidance, Impact Assessment
#   severity: high
#   stages: [staging]
#   effective_from_data: [fda, guidances, PCCP, effective_from]
package gate.controls.fda["pccp-03"]

import data.gate.controls.fda.common
import data.gate.lib.result

control := result.control(rego.metadata.chain())

not_applicable_reason := common.pccp_reason

_assessment := object.get(common.fda, ["pccp", "impact_assessment"], {})

deny contains result.violation(
	rego.metadata.chain(),
	"the impact assessment of the modification is not linked",
	"$.fda.pccp.impact_assessment.uri",
	"assess the benefits and risks of the modification and link the assessment",
) if {
	not common.text(object.get(_assessment, "uri", null))
}

# An empty list is allowed: the first modification under a PCCP has no predecessors.
deny contains result.violation(
	rego.metadata.chain(),
	"the impact assessment does not list the earlier PCCP modifications it considered",
	"$.fda.pccp.impact_assessment.cumulative_changes",
	"list the earlier PCCP modifications whose impact was assessed together with this one (an empty list for the first)",
) if {
	not is_array(object.get(_assessment, "cumulative_changes", null))
}

deny contains result.violation(
	rego.metadata.chain(),
	"the impact assessment lists no risk controls",
	"$.fda.pccp.impact_assessment.risk_controls",
	"list the risk controls that mitigate the modification's risks",
) if {
	not common.nonempty_array(object.get(_assessment, "risk_controls", null))
}

required_approvals contains result.approval_requirement(
	rego.metadata.chain(),
	"regulatory_affairs",
	common.settings.regulatory_affairs_count,
	"regulatory affairs confirms the modification is within the authorised PCCP and accepts its impact assessment",
)
