# METADATA
# title: Development documentation complete for this version
# description: |
#   The development document exists, is pinned by digest, describes this model version
#   and has the sections the tier requires (settings
#   sr117.tiers.<tier>.documentation_sections): purpose, theory, methodology,
#   assumptions, limitations and use restrictions at least. The model design is
#   documented: the algorithm, its hyperparameters, how they were selected, and the
#   regularisation and constraint choices (those made for compliance reasons among them),
#   stated even when there are none.
# custom:
#   control_id: SR117-DEV-01
#   framework: SR 11-7 / SR 26-2
#   section: SR 11-7 §IV (purpose, design, theory, logic) and §VI Documentation; SR 26-2 §VI (documentation)
#   severity: high
#   stages: [merge]
#   effective_from_data: [sr117, guidances, "SR 11-7", effective_from]
package gate.controls.sr117["dev-01"]

import data.gate.controls.sr117.lib
import data.gate.lib.result
import data.gate.lib.values

control := result.control(rego.metadata.chain())

_doc := object.get(input.bundle, ["docs", "development"], {})

_minimum_sections := ["purpose", "theory", "methodology", "assumptions", "limitations", "use_restrictions"]

_sections := object.get(lib.tier, "documentation_sections", _minimum_sections)

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the development document has no %s", [field]),
	sprintf("$.docs.development.%s", [field]),
	"reference the development document by uri and sha256 digest, and state the model version it describes",
) if {
	some field in values.missing(_doc, ["uri", "digest", "model_version"])
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the development document has no %s section", [section]),
	sprintf("$.docs.development.sections.%s", [section]),
	sprintf("write the %s section so that a reader new to the model can follow it, and link it", [section]),
) if {
	some section in values.missing(object.get(_doc, "sections", {}), _sections)
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the development document describes version %s, but the model is version %s", [_doc.model_version, input.bundle.model.version]),
	"$.docs.development.model_version",
	"update the development document for this model version",
) if {
	values.present(_doc.model_version)
	_doc.model_version != input.bundle.model.version
}

_design := object.get(input.bundle, "model_design", {})

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the model design does not document the %s", [what]),
	sprintf("$.model_design.%s", [field]),
	"document the model design: the algorithm, the hyperparameters and how they were selected, and the regularisation and constraints chosen (say so when there are none)",
) if {
	some [field, what] in [
		["algorithm", "algorithm"],
		["hyperparameters", "hyperparameters"],
		["selection_method", "hyperparameter selection methodology"],
		["regularisation", "regularisation choices"],
		["uri", "design document location"],
	]
	not values.present(object.get(_design, field, null))
}

deny contains result.violation(
	rego.metadata.chain(),
	"the model design does not list its constraint choices (an empty list when there are none)",
	"$.model_design.constraints",
	"list the constraints imposed on the model, including those made for compliance reasons (monotonicity, excluded inputs), or an empty list",
) if {
	not is_array(object.get(_design, "constraints", null))
}
