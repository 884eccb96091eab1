# METADATA
# title: Design rationale and human-AI team performance assessed
# description: |
#   The model's design rationale, including its controls against overfitting, is
#   documented, and a study in the intended workflow measured how clinicians perform
#   with the model: enough readers (settings fda.min_reader_count) and an outcome that
#   is not inferior or inconclusive (fda.blocking_human_ai_results). A clinical lead
#   signs off the study.
# custom:
#   control_id: FDA-GMLP-06
#   framework: FDA GMLP / PCCP
#   section: GMLP Principles 6 and 7 (model design tailored to data and intended use; human-AI team performance)
#   severity: high
#   stages: [staging]
#   effective_from_data: [fda, guidances, GMLP, effective_from]
package gate.controls.fda["gmlp-06"]

import data.gate.controls.fda.common
import data.gate.lib.result

control := result.control(rego.metadata.chain())

not_applicable_reason := common.device_reason

_study := object.get(common.fda, "human_ai_study", {})

deny contains result.violation(
	rego.metadata.chain(),
	"the model design rationale is not recorded",
	"$.fda.design_rationale_uri",
	"document why the model design fits the data and the intended use, including the overfitting controls, and link it",
) if {
	not common.text(object.get(common.fda, "design_rationale_uri", null))
}

deny contains result.violation(
	rego.metadata.chain(),
	"the human-AI team study report is not recorded",
	"$.fda.human_ai_study.uri",
	"assess clinicians working with the model in the intended workflow and link the study report",
) if {
	not common.text(object.get(_study, "uri", null))
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the human-AI team study outcome is %v", [object.get(_study, "result", "not recorded")]),
	"$.fda.human_ai_study.result",
	"show that clinicians using the model do at least as well as without it (superior or non_inferior) before release",
) if {
	not _result_ok
}

_result_ok if {
	common.text(_study.result)
	not _study.result in common.settings.blocking_human_ai_results
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the human-AI team study had %v readers, fewer than %v", [object.get(_study, "reader_count", "no recorded"), common.settings.min_reader_count]),
	"$.fda.human_ai_study.reader_count",
	"run the study with enough readers to generalise across clinicians",
) if {
	not _readers_ok
}

_readers_ok if {
	is_number(_study.reader_count)
	_study.reader_count >= common.settings.min_reader_count
}

required_approvals contains result.approval_requirement(
	rego.metadata.chain(),
	"clinical_lead",
	common.settings.clinical_lead_count,
	"a clinical lead accepts the design rationale and the human-AI team study",
)
