# METADATA
# title: Evidence was collected by the gate, for the commit under review
# description: |
#   The bundle carries the gate's own collection record: the source files with their
#   sha256 and the git commit the evidence was collected at. In a pull request that
#   commit must be the head commit, so evidence collected for an earlier push cannot
#   be presented for a later one.
# custom:
#   control_id: GATE-PROV-01
#   framework: mrm-gate
#   section: "SOC 2 CC8.1 (tracks system changes); SR 11-7 §VI / SR 26-2 §VI documentation; EU AI Act Art 12, Art 18"
#   severity: high
#   stages: [merge]
#   effective_from: "2011-04-04"
package gate.controls.mrm_gate["prov-01"]

import data.gate.lib.result

control := result.control(rego.metadata.chain())

_commit := object.get(input.bundle, ["collected", "git", "commit"], null)

_head := object.get(input.context, ["pull_request", "head_sha"], "")

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
	sprintf("the evidence was collected at commit %v, but the pull request head is %v", [_commit, _head]),
	"$.collected.git.commit",
	"collect the evidence again on the pull request's head commit",
) if {
	is_string(_commit)
	_head != ""
	_commit != _head
}
