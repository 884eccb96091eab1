# METADATA
# title: Change approved by independent reviewers; stale approvals void
# description: |
#   The change names its authors; branch protection requires at least the tier's number of
#   reviews, dismisses stale approvals after new commits and binds administrators. In a
#   pull request, the collected approvals that count (verified, bound to this bundle and
#   head commit, given by someone other than the pull-request author and commit authors)
#   come from at least the tier's number of distinct reviewers.
# custom:
#   control_id: SOC2-CM-04
#   framework: SOC 2
#   section: TSC CC8.1 (approves system changes); CC5.1 (segregation of duties); CC6.3
#   severity: high
#   stages: [merge]
package gate.controls.soc2["cm-04"]

import data.gate.lib.approvals
import data.gate.lib.config
import data.gate.lib.result

control := result.control(rego.metadata.chain())

_settings := config.settings.soc2

_needed := object.get(_settings.tiers, [object.get(input.bundle, ["model", "risk_tier"], ""), "pr_approvers"], max({t.pr_approvers | some t in _settings.tiers}))

_protection := object.get(input.bundle, ["security", "branch_protection"], {})

deny contains result.violation(
	rego.metadata.chain(),
	"the change record does not name its authors",
	"$.change.author_ids",
	"list the GitHub logins of everyone who authored the change",
) if {
	count(object.get(input.bundle, ["change", "author_ids"], [])) == 0
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("branch protection requires %v review(s); this tier needs at least %v", [object.get(_protection, "required_reviews", 0), _needed]),
	"$.security.branch_protection.required_reviews",
	"raise the required number of approving reviews in the branch protection rule",
) if {
	object.get(_protection, "required_reviews", 0) < _needed
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("branch protection does not have %s switched on", [field]),
	sprintf("$.security.branch_protection.%s", [field]),
	"switch on dismissal of stale reviews and enforcement for administrators in the branch protection rule",
) if {
	some field in ["dismiss_stale", "enforce_admins"]
	object.get(_protection, field, false) != true
}

_pr_author := object.get(input.context, ["pull_request", "author"], "")

_authors := {a | some a in object.get(input.bundle, ["change", "author_ids"], [])}

# Distinct independent reviewers among the approvals that count, whatever their role.
_reviewers := {a.login |
	some a in approvals.valid
	a.login != _pr_author
	not a.login in _authors
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("%v independent approval(s) on the current commit; this tier needs %v", [count(_reviewers), _needed]),
	"$.context.pull_request",
	"ask reviewers who did not write the change to approve the pull request's head commit",
) if {
	is_object(object.get(input.context, "pull_request", null))
	count(_reviewers) < _needed
}
