# METADATA
# title: Vulnerability scanning, alerting and a tested rollback runbook
# description: |
#   The serving image was scanned recently with no unresolved critical vulnerabilities,
#   anomaly alerting is configured with channels, and an incident and rollback runbook
#   exists with a rollback rehearsed recently.
# custom:
#   control_id: SOC2-OPS-01
#   framework: SOC 2
#   section: TSC CC7.1; CC7.2; CC7.3-CC7.5
#   severity: high
#   stages: [staging, monitoring]
package gate.controls.soc2["ops-01"]

import data.gate.lib.config
import data.gate.lib.dates
import data.gate.lib.result

control := result.control(rego.metadata.chain())

_settings := config.settings.soc2

_vuln := object.get(input.bundle, ["security", "vuln_scan"], {})

_ops := object.get(input.bundle, "ops", {})

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("no vulnerability scan of the serving image in the last %v days", [_settings.vuln_scan_max_age_days]),
	"$.security.vuln_scan.scanned_at",
	"scan the serving image for vulnerabilities",
) if {
	not dates.within_days(object.get(_vuln, "scanned_at", null), input.context.now, _settings.vuln_scan_max_age_days)
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the vulnerability scan reports %v unresolved critical finding(s), or no count", [object.get(_vuln, "critical", "an unknown number of")]),
	"$.security.vuln_scan.critical",
	"fix or mitigate the critical vulnerabilities and rescan",
) if {
	object.get(_vuln, "critical", -1) != 0
}

deny contains result.violation(
	rego.metadata.chain(),
	"the count of high vulnerabilities is not recorded",
	"$.security.vuln_scan.high",
	"record the scanner's count of high findings",
) if {
	not is_number(object.get(_vuln, "high", null))
}

deny contains result.violation(
	rego.metadata.chain(),
	"anomaly alerting is not configured with at least one channel",
	"$.ops.alerting",
	"configure alerts for the model service and route them to an on-call channel",
) if {
	not _alerting
}

_alerting if {
	_ops.alerting.configured == true
	count(_ops.alerting.channels) > 0
}

deny contains result.violation(
	rego.metadata.chain(),
	"there is no incident and rollback runbook",
	"$.ops.runbook_uri",
	"write the incident and rollback runbook and link it",
) if {
	not is_string(object.get(_ops, "runbook_uri", null))
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("rollback was not rehearsed in the last %v days", [_settings.rollback_test_max_age_days]),
	"$.ops.rollback_tested_at",
	"rehearse a rollback following the runbook and record when",
) if {
	not dates.within_days(object.get(_ops, "rollback_tested_at", null), input.context.now, _settings.rollback_test_max_age_days)
}
