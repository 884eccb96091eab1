package gate.controls.fda["gmlp-09_test"]

import data.gate.controls.fda["gmlp-09"] as control

_monitoring := {
	"plan": {"uri": "docs/monitoring.md", "metrics": ["sensitivity", "psi_score"], "frequency": "monthly"},
	"latest": {"computed_at": "2026-11-04T05:00:00Z", "psi_score": 0.04, "metrics": {"sensitivity": 0.95}},
}

_triggers := [
	{"metric": "sensitivity", "direction": "below", "threshold": 0.92, "action": "rollback"},
	{"metric": "psi_score", "direction": "above", "threshold": 0.25, "action": "retrain"},
]

_input(monitoring, triggers) := {"bundle": {
	"fda": {"device_function": true, "retraining_triggers": triggers},
	"monitoring": monitoring,
}}

_pairs(ds) := {[v.evidence_path, v.msg] | some v in ds}

test_success_monitored_with_quiet_triggers if {
	control.deny == set() with input as _input(_monitoring, _triggers)
}

test_fail_nothing_recorded if {
	ds := control.deny with input as {"bundle": {"fda": {"device_function": true}}}
	_pairs(ds) == {
		["$.monitoring.plan.uri", "the monitoring plan has no uri"],
		["$.monitoring.plan.metrics", "the monitoring plan has no metrics"],
		["$.monitoring.plan.frequency", "the monitoring plan has no frequency"],
		["$.monitoring.latest.computed_at", "no monitoring run is recorded"],
		["$.fda.retraining_triggers", "no retraining trigger starts retrain or rollback"],
	}
}

test_fail_review_only_trigger_on_untracked_unreported_metric if {
	triggers := [{"metric": "flag_rate", "direction": "above", "threshold": 0.3, "action": "review"}]
	ds := control.deny with input as _input(_monitoring, triggers)
	_pairs(ds) == {
		["$.fda.retraining_triggers", "no retraining trigger starts retrain or rollback"],
		["$.fda.retraining_triggers[0].metric", "retraining trigger 0 watches flag_rate, which the monitoring plan does not track"],
		["$.monitoring.latest.metrics", "the latest monitoring run does not report flag_rate, watched by retraining trigger 0"],
	}
}

test_fail_triggers_fired if {
	monitoring := json.patch(_monitoring, [
		{"op": "replace", "path": "/latest/metrics/sensitivity", "value": 0.9},
		{"op": "replace", "path": "/latest/psi_score", "value": 0.31},
	])
	ds := control.deny with input as _input(monitoring, _triggers)
	ds == {
		{
			"control_id": "FDA-GMLP-09",
			"framework": "FDA GMLP / PCCP",
			"section": "GMLP Principle 10 (deployed models are monitored for performance and re-training risks are managed)",
			"severity": "high",
			"title": "Deployed device monitored, with retraining and rollback triggers",
			"msg": "retraining trigger 0 fired: sensitivity is 0.9, below 0.92; action: rollback",
			"evidence_path": "$.fda.retraining_triggers[0]",
			"remediation": "rollback the device model under the change-control path (PCCP), then rerun monitoring",
		},
		{
			"control_id": "FDA-GMLP-09",
			"framework": "FDA GMLP / PCCP",
			"section": "GMLP Principle 10 (deployed models are monitored for performance and re-training risks are managed)",
			"severity": "high",
			"title": "Deployed device monitored, with retraining and rollback triggers",
			"msg": "retraining trigger 1 fired: psi_score is 0.31, above 0.25; action: retrain",
			"evidence_path": "$.fda.retraining_triggers[1]",
			"remediation": "retrain the device model under the change-control path (PCCP), then rerun monitoring",
		},
	}
}

test_success_not_applicable_without_device_function if {
	r := control.not_applicable_reason with input as {"bundle": {}}
	r == "the model is not a device software function (fda.device_function is not true)"
}

test_success_metadata if {
	control.control.id == "FDA-GMLP-09"
	control.control.framework == "FDA GMLP / PCCP"
}
