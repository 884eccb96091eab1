# METADATA
# title: Evidence was collected by the gate, for the commit under review
# description: |
#   The bundle carries the gate's own collection record: the source files with their
#   sha256 and the git commit the evidence was collected at. In a pull request that
#   commit must be the head commit, so evidence collected for an earlier push cannot
#   be presented for a later one. A deploy of the pull request's merge commit is the
#   one exception: the pull request is merged, that commit is its merge commit, and
#   the run is on the branch it was merged into (its protected base branch).
# custom:
#   control_id: GATE-PROV-01
#   framework: mrm-gate
#   section: "SOC 2 CC8.1 (tracks system changes); SR 11-7 §VI / SR 26-2 §VI documentation; EU AI Act Art 12, Art 18"
#   severity: high
#   stages: [merge]
#   effective_from_data: [mrm_gate, controls_effective_from]
package gate.controls.mrm_gate["prov-01"]

import data.gate.lib.result

control := result.control(rego.metadata.chain())

_commit := object.get(input.bundle, ["collected", "git", "commit"], null)

_pr := object.get(input.context, "pull_request", {})

_head := object.get(_pr, "head_sha", "")

# The run's branch, as CI reports it (GITHUB_REF of a push or a dispatch on a branch).
_run_ref := object.get(input.bundle, ["collected", "ci", "ref"], "")

_merge_commit_of_the_pull_request if {
	_pr.merged == true
	_pr.merge_commit_sha == _commit
	_run_ref == concat("", ["refs/heads/", _pr.base_ref])
}

deny contains result.violation(
	rego.metadata.chain(),
	"the bundle lists no provenance sources",
	"$.provenance.sources",
	"produce the bundle with `mrm-gate collect`, which records every source file and its sha256",
) if {
	count(object.get(input.bundle, ["provenance", "sources"], [])) == 0
}

deny contains result.violation(
	rego.metadata.chain(),
	"the bundle does not record the git commit its evidence was collected at",
	"$.collected.git.commit",
	"produce the bundle with `mrm-gate collect` in the model's git checkout",
) if {
	not is_string(_commit)
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the evidence was collected at commit %v, but the pull request head is %v (and it is not the merge commit of the pull request merged into the branch of this run)", [_commit, _head]),
	"$.collected.git.commit",
	"collect the evidence again on the pull request's head commit, or deploy the commit that merged it",
) if {
	is_string(_commit)
	_head != ""
	_commit != _head
	not _merge_commit_of_the_pull_request
}
