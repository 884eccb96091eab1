# METADATA
# title: Development documentation complete for this version
# description: |
#   The development document exists, is pinned by digest, describes this model version
#   and has the sections the tier requires (settings
#   sr117.tiers.<tier>.documentation_sections): purpose, theory, methodology,
#   assumptions, limitations and use restrictions at least.
# custom:
#   control_id: SR117-DEV-01
#   framework: SR 11-7 / SR 26-2
#   section: SR 11-7 §IV (purpose, design, theory, logic) and §VI Documentation; SR 26-2 §VI (documentation)
#   severity: high
#   stages: [merge]
#   effective_from: "2011-04-04"
package gate.controls.sr117["dev-01"]

import data.gate.controls.sr117.lib
import data.gate.lib.result

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
	some field in lib.missing(_doc, ["uri", "digest", "model_version"])
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the development document has no %s section", [section]),
	sprintf("$.docs.development.sections.%s", [section]),
	sprintf("write the %s section so that a reader new to the model can follow it, and link it", [section]),
) if {
	some section in lib.missing(object.get(_doc, "sections", {}), _sections)
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the development document describes version %s, but the model is version %s", [_doc.model_version, input.bundle.model.version]),
	"$.docs.development.model_version",
	"update the development document for this model version",
) if {
	lib.present(_doc.model_version)
	_doc.model_version != input.bundle.model.version
}
