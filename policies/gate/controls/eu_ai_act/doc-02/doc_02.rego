# METADATA
# title: Validation and test reports dated and signed
# description: |
#   At least one validation or test report is listed, and each has its location, a
#   sha256 digest, a date, the signatories and a signature the gate verified.
# custom:
#   control_id: EUAIA-DOC-02
#   framework: EU AI Act
#   section: Annex IV(2)(g)
#   severity: medium
#   stages: [staging]
#   effective_from_data: [eu_ai_act, application_dates, annex_iii]
package gate.controls.eu_ai_act["doc-02"]

import data.gate.controls.eu_ai_act.common
import data.gate.lib.result

control := result.control(rego.metadata.chain())

not_applicable_reason := common.high_risk_reason

deny contains result.violation(
	rego.metadata.chain(),
	"no validation or test report is listed",
	"$.eu_ai_act.test_reports",
	"list the validation and test reports with their digest, date, signatories and signature",
) if {
	common.lacks(["eu_ai_act", "test_reports"], "items")
}

_fields := [
	{"sub": ["uri"], "kind": "text", "fix": "link the report"},
	{"sub": ["digest"], "kind": "digest", "fix": "record the sha256 digest of the report file"},
	{"sub": ["date"], "kind": "date", "fix": "date the report"},
	{"sub": ["signed_by"], "kind": "items", "fix": "list the logins of the people responsible who signed the report"},
	{"sub": ["signature", "verified"], "kind": "true", "fix": "sign the report digest (for example with sigstore) and let the gate verify the signature"},
]

deny contains result.violation(rego.metadata.chain(), common.gap_msg(g), common.json_path(g.path), f.fix) if {
	some i, _ in object.get(common.eu, "test_reports", [])
	some f in _fields
	g := {"path": array.concat(["eu_ai_act", "test_reports", i], f.sub), "kind": f.kind}
	common.lacks(g.path, g.kind)
}
