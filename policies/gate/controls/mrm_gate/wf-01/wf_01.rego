# METADATA
# title: The gate's own workflow is enforced from outside the pull request
# description: |
#   A pull_request run uses the workflow files of the pull request itself: it can delete
#   the gate job, or add a job that posts a check named like the gate's with the
#   workflow token (as GitHub Actions). The gate's verdict counts only when something the
#   pull request cannot edit enforces it: an active ruleset nobody may bypass requiring
#   a workflow (GitHub runs it from the ref the rule names), or the gate's required
#   check bound to an app that no workflow token writes as (the gate's GitHub App).
#   The facts are read by `collect --github` from GitHub (branch protection and the
#   branch's ruleset rules), never from a file of the repository.
# custom:
#   control_id: GATE-WF-01
#   framework: mrm-gate
#   section: "SOC 2 CC8.1 (authorised changes only); CC6.1 (logical access)"
#   severity: critical
#   stages: [merge]
#   effective_from_data: [mrm_gate, controls_effective_from]
package gate.controls.mrm_gate["wf-01"]

import data.gate.lib.config
import data.gate.lib.result

control := result.control(rego.metadata.chain())

_settings := config.settings.mrm_gate

_check := config.settings.soc2.gate_status_check

_protection := object.get(input.bundle, ["security", "branch_protection"], {})

# A required workflow the pull request cannot edit or skip.
_enforced if {
	some workflow in object.get(_protection, "required_workflows", [])
	workflow.bypass_allowed == false
	workflow.path != ""
}

# The gate's check, required from an app no workflow token writes as.
_enforced if {
	some item in object.get(_protection, "required_status_check_apps", [])
	item.context == _check
	is_number(item.app_id)

	# Without the list of the workflow token's apps nothing can be told apart: not enforced.
	workflow_apps := _settings.workflow_token_app_ids
	is_array(workflow_apps)
	not item.app_id in workflow_apps
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the check %s can be posted by a workflow the pull request edits: no active ruleset nobody may bypass requires the gate's workflow, and the check is not required from the gate's GitHub App", [_check]),
	"$.security.branch_protection.required_workflows",
	sprintf("add a ruleset on the protected branch (enforcement Active, no bypass list) with \"Require workflows to pass before merging\" naming the gate workflow pinned to the default branch, or require the check %s with integration_id = the gate's GitHub App (docs/github.md, Rulesets)", [_check]),
) if {
	not _enforced
}
