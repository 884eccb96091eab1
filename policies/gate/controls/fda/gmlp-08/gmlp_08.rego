# METADATA
# title: Labeling gives users the essential information
# description: |
#   The labeling is linked and points to a section for each piece of information users
#   need (settings fda.labeling_sections): intended use, performance, performance by
#   subgroup, training and test data, known limitations and how the model is updated.
# custom:
#   control_id: FDA-GMLP-08
#   framework: FDA GMLP / PCCP
#   section: GMLP Principle 9 (users are provided clear, essential information)
#   severity: medium
#   stages: [production]
#   effective_from_data: [fda, guidances, GMLP, effective_from]
package gate.controls.fda["gmlp-08"]

import data.gate.controls.fda.common
import data.gate.lib.result

control := result.control(rego.metadata.chain())

not_applicable_reason := common.device_reason

_labeling := object.get(common.fda, "labeling", {})

deny contains result.violation(
	rego.metadata.chain(),
	"the labeling is not linked",
	"$.fda.labeling.uri",
	"publish the device labeling (instructions for use) and link it",
) if {
	not common.text(object.get(_labeling, "uri", null))
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the labeling has no %s section", [section]),
	sprintf("$.fda.labeling.sections.%s", [section]),
	sprintf("add a %s section to the labeling and point fda.labeling.sections.%s to it", [section, section]),
) if {
	some section in common.settings.labeling_sections
	not common.text(object.get(_labeling, ["sections", section], null))
}
