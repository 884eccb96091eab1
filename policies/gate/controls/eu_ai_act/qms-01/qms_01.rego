# METADATA
# title: Change follows the documented quality management system
# description: |
#   The change names the quality management system it follows, the versions of the
#   modification procedure and of the test and validation procedure applied, and its
#   change record. Financial institutions meet most of Art 17 through their internal
#   governance (Art 17(4)); these references link the change to it.
# custom:
#   control_id: EUAIA-QMS-01
#   framework: EU AI Act
#   section: Art 17(1)(a)-(d), (k), (m); Art 17(4)
#   severity: medium
#   stages: [merge]
#   effective_from_data: [eu_ai_act, application_dates, annex_iii]
package gate.controls.eu_ai_act["qms-01"]

import data.gate.controls.eu_ai_act.common
import data.gate.lib.result

control := result.control(rego.metadata.chain())

not_applicable_reason := common.high_risk_reason

_fields := [
	{"path": ["eu_ai_act", "qms", "ref"], "kind": "text", "fix": "reference the quality management system the change follows"},
	{"path": ["eu_ai_act", "qms", "modification_procedure_version"], "kind": "text", "fix": "record the version of the modification procedure followed"},
	{"path": ["eu_ai_act", "qms", "test_procedure_version"], "kind": "text", "fix": "record the version of the test and validation procedure followed"},
	{"path": ["change", "id"], "kind": "text", "fix": "record the change under a change id"},
]

deny contains result.violation(rego.metadata.chain(), common.gap_msg(f), common.json_path(f.path), f.fix) if {
	some f in _fields
	common.lacks(f.path, f.kind)
}
