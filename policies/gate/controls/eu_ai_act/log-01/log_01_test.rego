package gate.controls.eu_ai_act["log-01_test"]

import data.gate.controls.eu_ai_act.fixtures_test as fx
import data.gate.controls.eu_ai_act["log-01"] as control

_paths(vs) := {v.evidence_path | some v in vs}

_production(b) := fx.policy_input(b, "production", fx.now)

test_success_logging_configured if {
	control.deny == set() with input as fx.at_stage("staging")
	control.deny == set() with input as fx.at_stage("production")
}

test_fail_no_logging if {
	_paths(control.deny) == {
		"$.eu_ai_act.logging.fields_map.risk",
		"$.eu_ai_act.logging.fields_map.pmm",
		"$.eu_ai_act.logging.fields_map.deployer_monitoring",
		"$.eu_ai_act.logging.enabled",
		"$.eu_ai_act.logging.events",
		"$.eu_ai_act.logging.retention_days",
		"$.eu_ai_act.logging.store_uri",
		"$.ops.serving_config.digest",
	} with input as _production(fx.without(["/eu_ai_act/logging", "/ops/serving_config"]))
}

test_fail_short_retention if {
	control.deny == {{
		"control_id": "EUAIA-LOG-01", "framework": "EU AI Act", "section": "Art 12(1)-(2); Art 19(1); Art 26(6)", "severity": "high",
		"title": "Automatic event logging serving risk, post-market and deployer monitoring",
		"msg": "logs are kept 90 days, less than 183",
		"remediation": "keep logs for at least six months, or longer where financial-services record rules require it",
		"evidence_path": "$.eu_ai_act.logging.retention_days",
	}} with input as _production(fx.put("/eu_ai_act/logging/retention_days", 90))
}

test_not_applicable_annex_i_until_2028 if {
	b := fx.put("/eu_ai_act/classification/annex_iii_point", "none")
	startswith(control.not_applicable_reason, "not yet in force for this system: Annex I") with input as _production(b)
	not control.not_applicable_reason with input as fx.policy_input(b, "production", "2028-09-01T00:00:00Z")
}

test_annotation if {
	control.control.id == "EUAIA-LOG-01"
	control.control.framework == "EU AI Act"
	control.control.effective_from == "2027-12-02"
}
