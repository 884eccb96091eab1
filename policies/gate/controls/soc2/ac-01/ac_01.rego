# METADATA
# title: Least-privilege registry and deploy access, recently reviewed
# description: |
#   Write access to the model registry and deploy rights are listed, held by no one who
#   develops or wrote the change, and reviewed within the tier's interval. Branch protection
#   needs reviews, binds administrators and requires this gate's status check.
# custom:
#   control_id: SOC2-AC-01
#   framework: SOC 2
#   section: TSC CC6.1; CC6.3
#   severity: high
#   stages: [merge, production]
package gate.controls.soc2["ac-01"]

import data.gate.lib.config
import data.gate.lib.dates
import data.gate.lib.result

control := result.control(rego.metadata.chain())

_settings := config.settings.soc2

_tier := object.get(_settings.tiers, object.get(input.bundle, ["model", "risk_tier"], ""), _settings.tiers.high)

_access := object.get(input.bundle, ["security", "access"], {})

_protection := object.get(input.bundle, ["security", "branch_protection"], {})

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("no %s are listed", [field]),
	sprintf("$.security.access.%s", [field]),
	"list every identity with registry write or deploy rights",
) if {
	some field in ["registry_writers", "deployers"]
	count(object.get(_access, field, [])) == 0
}

_developers := {d | some d in object.get(input.bundle, ["inventory", "developer_ids"], [])} | {a | some a in object.get(input.bundle, ["change", "author_ids"], [])}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("%s can deploy but develops the model or wrote the change", [who]),
	"$.security.access.deployers",
	"remove deploy rights from developers; deploy through a service principal",
) if {
	some who in object.get(_access, "deployers", [])
	who in _developers
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("no access review in the last %v days", [_tier.access_review_max_age_days]),
	"$.security.access.last_review_at",
	"review registry and deploy access and record when",
) if {
	not _recent(object.get(_access, "last_review_at", null))
}

_recent(ts) if dates.within_days(ts, input.context.now, _tier.access_review_max_age_days)

deny contains result.violation(
	rego.metadata.chain(),
	"branch protection requires no approving review",
	"$.security.branch_protection.required_reviews",
	"require at least one approving review on the protected branch",
) if {
	object.get(_protection, "required_reviews", 0) < 1
}

deny contains result.violation(
	rego.metadata.chain(),
	"branch protection does not bind administrators",
	"$.security.branch_protection.enforce_admins",
	"enforce the branch protection rule for administrators too",
) if {
	object.get(_protection, "enforce_admins", false) != true
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("branch protection does not require the %s status check", [_settings.gate_status_check]),
	"$.security.branch_protection.required_status_checks",
	"make this gate a required status check of the protected branch",
) if {
	not _settings.gate_status_check in object.get(_protection, "required_status_checks", [])
}
