# METADATA
# title: Approval validity
# description: |
#   Decides which collected approvals count. An approval counts only when the gate
#   collected and verified it (team membership checked through the GitHub API), it is
#   bound to the current bundle digest and, for a review, to the head commit, and the
#   approver is independent of the change: not the pull-request author, not a commit
#   author or committer, and not a developer or owner named in the bundle. When a commit
#   of the pull request has an author or committer without a GitHub login
#   (pull_request.unmapped_commits), independence cannot be proven and no approval counts;
#   each is listed in `rejected` with that reason.
package gate.lib.approvals

# Logins that may never approve this change, lower-cased (GitHub logins are
# case-insensitive): developers and owner of the model, the pull-request author, and every
# author, committer and Co-authored-by co-author (suggestion commits included) of a commit.
conflicted contains lower(login) if {
	some login in input.bundle.inventory.developer_ids
	is_string(login)
}

conflicted contains lower(input.bundle.inventory.owner_id) if is_string(input.bundle.inventory.owner_id)

conflicted contains lower(input.context.pull_request.author) if is_string(input.context.pull_request.author)

conflicted contains lower(login) if {
	some commit in input.context.pull_request.commits
	some key in ["author", "committer"]
	login := commit[key]
	is_string(login)
	login != ""
}

conflicted contains lower(login) if {
	some commit in input.context.pull_request.commits
	some login in object.get(commit, "co_authors", [])
	is_string(login)
	login != ""
}

# Commits whose author, committer or a co-author has no GitHub login: anyone could have
# written them.
unmapped_commits := object.get(input.context, ["pull_request", "unmapped_commits"], [])

_head_sha := input.context.pull_request.head_sha

# Without a pull request there is no head to bind to; the digest binding remains.
_commit_current(_) if not _head_sha

_commit_current(a) if a.commit_sha == _head_sha

# A comment names the bundle digest itself; the digest covers what changed.
_commit_current(a) if {
	a.via == "comment"
	a.commit_sha == ""
}

current(a) if {
	a.bundle_digest == input.context.bundle_digest
	_commit_current(a)
}

_provably_independent(a) if {
	not lower(a.login) in conflicted
	count(unmapped_commits) == 0
}

# valid approvals: verified, current and independent.
valid contains a if {
	some a in input.approvals
	a.verified == true
	current(a)
	_provably_independent(a)
}

# approvals that do not count, each with the reasons (the decision's stale_approvals).
rejected contains object.union(_record(a), {"reason": reason}) if {
	some a in input.approvals
	reasons := _reasons(a)
	count(reasons) > 0
	reason := concat("; ", sort(reasons))
}

_record_fields := {"role", "login", "via", "url", "at", "commit_sha", "bundle_digest"}

# the facts of an approval a report shows, without empty values.
_record(a) := {k: v |
	some k, v in a
	k in _record_fields
	v != ""
}

_reasons(a) := {r |
	some r in [
		_why_unverified(a),
		_why_stale(a),
		_why_conflicted(a),
		_why_unmapped,
	]
	r != ""
}

default _why_unverified(_) := ""

_why_unverified(a) := "not verified: the approver is not a member of the role's team" if {
	object.get(a, "verified", false) != true
}

default _why_stale(_) := ""

_why_stale(a) := "stale: given for another bundle digest or an earlier commit" if {
	not current(a)
}

default _why_conflicted(_) := ""

_why_conflicted(a) := "not independent: the approver authored, committed, co-authored, develops or owns the change" if {
	lower(a.login) in conflicted
}

default _why_unmapped := ""

_why_unmapped := sprintf("independence unprovable: commit(s) %s have an author, committer or co-author without a GitHub login", [concat(", ", unmapped_commits)]) if {
	count(unmapped_commits) > 0
}

# logins who gave a valid approval for a role.
approvers(role) := {a.login | some a in valid; a.role == role}
