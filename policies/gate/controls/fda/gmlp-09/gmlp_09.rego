# METADATA
# title: Deployed device monitored, with retraining and rollback triggers
# description: |
#   Real-world performance is monitored after release under a plan, the latest run is
#   recorded, and triggers on monitored metrics start retraining or rollback (settings
#   fda.retraining_actions) under the change-control path. A trigger whose condition the
#   latest run meets has fired: the gate blocks until its action is taken.
# custom:
#   control_id: FDA-GMLP-09
#   framework: FDA GMLP / PCCP
#   section: GMLP Principle 10 (deployed models are monitored for performance and re-training risks are managed)
#   severity: high
#   stages: [monitoring]
#   effective_from_data: [fda, guidances, GMLP, effective_from]
package gate.controls.fda["gmlp-09"]

import data.gate.controls.fda.common
import data.gate.lib.result

control := result.control(rego.metadata.chain())

not_applicable_reason := common.device_reason

_plan := object.get(input.bundle, ["monitoring", "plan"], {})

_latest := object.get(input.bundle, ["monitoring", "latest"], {})

_triggers := object.get(common.fda, "retraining_triggers", [])

_monitored := {m | some m in object.get(_plan, "metrics", [])}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the monitoring plan has no %s", [field]),
	sprintf("$.monitoring.plan.%s", [field]),
	"write a post-market monitoring plan (document, metrics tracked, frequency) and record it",
) if {
	some field in ["uri", "metrics", "frequency"]
	not _present(object.get(_plan, field, null))
}

_present(v) if common.text(v)

_present(v) if common.nonempty_array(v)

deny contains result.violation(
	rego.metadata.chain(),
	"no monitoring run is recorded",
	"$.monitoring.latest.computed_at",
	"run the monitoring job on real-world data and record its results",
) if {
	not common.ns(object.get(_latest, "computed_at", null))
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("no retraining trigger starts %s", [concat(" or ", common.settings.retraining_actions)]),
	"$.fda.retraining_triggers",
	"define the monitored conditions that start retraining or rollback under the change-control path",
) if {
	count([t | some t in _triggers; t.action in common.settings.retraining_actions]) == 0
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("retraining trigger %d watches %s, which the monitoring plan does not track", [i, t.metric]),
	sprintf("$.fda.retraining_triggers[%d].metric", [i]),
	"track every trigger metric in monitoring.plan.metrics",
) if {
	some i, t in _triggers
	not t.metric in _monitored
}

# The latest value of a metric: a performance metric, or a top-level score such as psi_score.
_value(metric) := _latest.metrics[metric]

_value(metric) := _latest[metric] if {
	not _latest.metrics[metric]
	is_number(_latest[metric])
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the latest monitoring run does not report %s, watched by retraining trigger %d", [t.metric, i]),
	"$.monitoring.latest.metrics",
	"compute every trigger metric in each monitoring run",
) if {
	some i, t in _triggers
	not _reported(t.metric)
}

_reported(metric) if is_number(_value(metric))

_fired(t, v) if {
	t.direction == "below"
	v < t.threshold
}

_fired(t, v) if {
	t.direction == "above"
	v > t.threshold
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("retraining trigger %d fired: %s is %v, %s %v; action: %s", [i, t.metric, v, t.direction, t.threshold, t.action]),
	sprintf("$.fda.retraining_triggers[%d]", [i]),
	sprintf("%s the device model under the change-control path (PCCP), then rerun monitoring", [t.action]),
) if {
	some i, t in _triggers
	v := _value(t.metric)
	_fired(t, v)
}
