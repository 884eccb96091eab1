# METADATA
# title: Multi-disciplinary review panel; clinical lead signs off
# description: |
#   Clinical, data-science, human-factors and regulatory reviewers take part across the
#   lifecycle, each named on the review panel, and a clinical lead signs off the intended
#   use and the evaluation design.
# custom:
#   control_id: FDA-GMLP-01
#   framework: FDA GMLP / PCCP
#   section: GMLP Principle 1 (multi-disciplinary expertise)
#   severity: high
#   stages: [staging]
#   effective_from_data: [fda, guidances, GMLP, effective_from]
package gate.controls.fda["gmlp-01"]

import data.gate.lib.config
import data.gate.lib.result

control := result.control(rego.metadata.chain())

_settings := config.settings.fda

not_applicable_reason := "the model is not a device software function (fda.device_function is not true)" if {
	object.get(input.bundle, ["fda", "device_function"], false) != true
}

_panel_roles := {m.role |
	some m in object.get(input.bundle, ["fda", "review_panel"], [])
	is_string(m.id)
	m.id != ""
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the review panel has no %s reviewer", [role]),
	"$.fda.review_panel",
	"name a reviewer for every discipline on fda.review_panel",
) if {
	some role in _settings.review_panel_roles
	not role in _panel_roles
}

required_approvals contains result.approval_requirement(
	rego.metadata.chain(),
	"clinical_lead",
	_settings.clinical_lead_count,
	"a clinical lead signs off the intended use and the evaluation design",
)
