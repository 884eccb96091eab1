# METADATA
# title: Resilience tested against poisoning, evasion, confidentiality attacks and model flaws
# description: |
#   Each attack class listed in data (data poisoning, model poisoning of pre-trained
#   components, adversarial evasion, confidentiality attacks, model flaws) was
#   tested, passed or was mitigated and retested, with a report; the software bill of
#   materials is linked.
# custom:
#   control_id: EUAIA-SEC-01
#   framework: EU AI Act
#   section: Art 15(5)
#   severity: high
#   stages: [staging]
#   effective_from_data: [eu_ai_act, application_dates, annex_iii]
package gate.controls.eu_ai_act["sec-01"]

import data.gate.controls.eu_ai_act.common
import data.gate.lib.result

control := result.control(rego.metadata.chain())

not_applicable_reason := common.high_risk_reason

_fields := array.concat(
	[f |
		some threat in common.settings.security_threats
		some f in [
			{"path": ["testing", "security", threat, "tested"], "kind": "true", "fix": sprintf("test the model against %s", [threat])},
			{"path": ["testing", "security", threat, "uri"], "kind": "text", "fix": sprintf("link the %s test report", [threat])},
		]
	],
	[{"path": ["artifact", "sbom_uri"], "kind": "text", "fix": "generate a software bill of materials for the serving artefact and link it"}],
)

deny contains result.violation(rego.metadata.chain(), common.gap_msg(f), common.json_path(f.path), f.fix) if {
	some f in _fields
	common.lacks(f.path, f.kind)
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the %s test result is %v", [threat, outcome]),
	sprintf("$.testing.security.%s.result", [threat]),
	"fix the weakness and retest; record 'mitigated' once the retest passes",
) if {
	some threat in common.settings.security_threats
	outcome := object.get(input.bundle, ["testing", "security", threat, "result"], "missing")
	not outcome in common.settings.security_passing_results
}
