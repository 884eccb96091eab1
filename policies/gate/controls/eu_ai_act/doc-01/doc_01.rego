# METADATA
# title: Annex IV technical documentation complete, current and retained 10 years
# description: |
#   Technical documentation exists for all nine Annex IV headings, describes the
#   model version being promoted, carries its last update time, and is kept for at
#   least the retention period in data (10 years, Art 18).
# custom:
#   control_id: EUAIA-DOC-01
#   framework: EU AI Act
#   section: Art 11(1), Annex IV(1)-(9); Art 18
#   severity: high
#   stages: [staging, production]
#   effective_from_data: [eu_ai_act, application_dates, annex_iii]
package gate.controls.eu_ai_act["doc-01"]

import data.gate.controls.eu_ai_act.common
import data.gate.lib.result
import data.gate.lib.values

control := result.control(rego.metadata.chain())

not_applicable_reason := common.high_risk_reason

_sections := [{"path": ["eu_ai_act", "annex_iv", sprintf("section_%d", [n]), "uri"], "kind": "text", "fix": sprintf("document Annex IV heading %d and link it", [n])} |
	some n in numbers.range(1, 9)
]

_fields := array.concat(_sections, [
	{"path": ["eu_ai_act", "annex_iv", "model_version"], "kind": "text", "fix": "record the model version the technical documentation describes"},
	{"path": ["eu_ai_act", "annex_iv", "updated_at"], "kind": "time", "fix": "record when the technical documentation was last updated"},
	{"path": ["eu_ai_act", "retention", "docs_years"], "kind": "number", "fix": "record how many years the documentation is kept"},
])

deny contains result.violation(rego.metadata.chain(), common.gap_msg(f), common.json_path(f.path), f.fix) if {
	some f in _fields
	common.lacks(f.path, f.kind)
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the technical documentation describes model version %s, not %s", [documented, current]),
	"$.eu_ai_act.annex_iv.model_version",
	"update the Annex IV documentation for the model version being promoted",
) if {
	documented := common.eu.annex_iv.model_version
	current := object.get(input.bundle, ["model", "version"], "")
	values.text(documented)
	documented != current
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the documentation is kept %v years, less than %v", [years, common.settings.docs_retention_years_min]),
	"$.eu_ai_act.retention.docs_years",
	"keep the technical documentation for at least the required retention period after market placement",
) if {
	years := common.eu.retention.docs_years
	is_number(years)
	years < common.settings.docs_retention_years_min
}
