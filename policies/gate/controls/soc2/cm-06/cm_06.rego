# METADATA
# title: Configuration versioned as code with no drift from baseline
# description: |
#   Serving and infrastructure configuration is versioned as code (an infrastructure
#   commit), a recent drift check found no unreviewed drift from the baseline, and the
#   decision thresholds are recorded with the commit that set them.
# custom:
#   control_id: SOC2-CM-06
#   framework: SOC 2
#   section: TSC CC8.1 (configures software; creates baseline configuration); CC7.1
#   severity: medium
#   stages: [staging, production]
package gate.controls.soc2["cm-06"]

import data.gate.lib.config
import data.gate.lib.dates
import data.gate.lib.result

control := result.control(rego.metadata.chain())

_baseline := object.get(input.bundle, ["ops", "baseline_config"], {})

_thresholds := object.get(input.bundle, ["model", "decision_thresholds"], {})

deny contains result.violation(
	rego.metadata.chain(),
	"the baseline configuration has no infrastructure-as-code commit",
	"$.ops.baseline_config.iac_commit",
	"keep serving and infrastructure configuration in version control and record the commit",
) if {
	not is_string(object.get(_baseline, "iac_commit", null))
}

deny contains result.violation(
	rego.metadata.chain(),
	"configuration drift from the baseline was detected, or no drift check is recorded",
	"$.ops.baseline_config.drift_detected",
	"reconcile live configuration with the versioned baseline and rerun the drift check",
) if {
	object.get(_baseline, "drift_detected", true) != false
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the last drift check is missing or older than %v days", [config.settings.soc2.drift_check_max_age_days]),
	"$.ops.baseline_config.checked_at",
	"rerun the configuration drift check",
) if {
	not _recent(object.get(_baseline, "checked_at", null))
}

_recent(ts) if dates.within_days(ts, input.context.now, config.settings.soc2.drift_check_max_age_days)

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the decision threshold has no %s", [field]),
	sprintf("$.model.decision_thresholds.%s", [field]),
	"version the decision threshold as code and record its value and commit",
) if {
	some field in ["value", "commit_sha"]
	object.get(_thresholds, field, null) == null
}
