# METADATA
# title: Authorised modification protocol followed
# description: |
#   The modification follows the PCCP's modification protocol: its data-management,
#   re-training and update procedures are linked, and the performance evaluation
#   reports a result meeting every pre-specified acceptance criterion and passes.
# custom:
#   control_id: FDA-PCCP-02
#   framework: FDA GMLP / PCCP
#   section: PCCP guidance, Modification Protocol (data management, re-training, performance evaluation, update procedures)
#   severity: critical
#   stages: [staging]
#   effective_from_data: [fda, guidances, PCCP, effective_from]
package gate.controls.fda["pccp-02"]

import data.gate.controls.fda.common
import data.gate.lib.result

control := result.control(rego.metadata.chain())

not_applicable_reason := common.pccp_reason

_protocol := object.get(common.fda, ["pccp", "protocol"], {})

_eval := object.get(_protocol, "performance_eval", {})

_criteria := object.get(_eval, "acceptance_criteria", {})

_results := object.get(_eval, "results", {})

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the modification protocol's %s is not linked", [field]),
	sprintf("$.fda.pccp.protocol.%s", [field]),
	"link the data-management, re-training and update procedures of the authorised modification protocol",
) if {
	some field in ["data_management_uri", "retraining_uri", "update_procedure_uri"]
	not common.text(object.get(_protocol, field, null))
}

deny contains result.violation(
	rego.metadata.chain(),
	"the performance evaluation has no pre-specified acceptance criteria",
	"$.fda.pccp.protocol.performance_eval.acceptance_criteria",
	"copy the acceptance criteria of the authorised modification protocol into the evaluation",
) if {
	not common.nonempty_object(_criteria)
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("%s is %v, which does not meet the protocol's criterion %s", [metric, object.get(_results, metric, "not reported"), common.describe(bound)]),
	sprintf("$.fda.pccp.protocol.performance_eval.results.%s", [metric]),
	"evaluate the modified model on the protocol's test data and meet every criterion, or do not release it under the PCCP",
) if {
	some metric, bound in _criteria
	not common.meets(object.get(_results, metric, null), bound)
}

deny contains result.violation(
	rego.metadata.chain(),
	"the performance evaluation is not recorded as passed",
	"$.fda.pccp.protocol.performance_eval.pass",
	"record pass: true only when every result meets its criterion",
) if {
	object.get(_eval, "pass", null) != true
}
