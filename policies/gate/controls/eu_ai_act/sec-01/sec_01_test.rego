package gate.controls.eu_ai_act["sec-01_test"]

import data.gate.controls.eu_ai_act.fixtures_test as fx
import data.gate.controls.eu_ai_act["sec-01"] as control

_paths(vs) := {v.evidence_path | some v in vs}

_staging(b) := fx.policy_input(b, "staging", fx.now)

test_success_all_attacks_tested if {
	control.deny == set() with input as fx.at_stage("staging")
}

test_fail_evasion_failed if {
	control.deny == {{
		"control_id": "EUAIA-SEC-01", "framework": "EU AI Act", "section": "Art 15(5)", "severity": "high",
		"title": "Resilience tested against poisoning, evasion, confidentiality attacks and model flaws",
		"msg": "the evasion test result is fail",
		"remediation": "fix the weakness and retest; record 'mitigated' once the retest passes",
		"evidence_path": "$.testing.security.evasion.result",
	}} with input as _staging(fx.put("/testing/security/evasion/result", "fail"))
}

test_fail_untested_and_no_sbom if {
	b := json.patch(fx.bundle, [
		{"op": "replace", "path": "/testing/security/model_flaws", "value": {"tested": false}},
		{"op": "remove", "path": "/artifact/sbom_uri"},
	])
	_paths(control.deny) == {
		"$.testing.security.model_flaws.tested",
		"$.testing.security.model_flaws.uri",
		"$.testing.security.model_flaws.result",
		"$.artifact.sbom_uri",
	} with input as _staging(b)
}

test_not_applicable_out_of_scope if {
	control.not_applicable_reason == "eu_ai_act.applicable is not true: the model is outside the EU AI Act high-risk regime" with input as _staging({"eu_ai_act": {"applicable": false}})
}

test_annotation if {
	control.control.id == "EUAIA-SEC-01"
	control.control.framework == "EU AI Act"
	control.control.effective_from == "2027-12-02"
}
