# METADATA
# title: Required test suites passed on the promoted commit
# description: |
#   The CI run that tested the change ran on the exact commit the artefact was built from,
#   its tests passed, and every required suite (unit, data-contract, model-evaluation by
#   default) concluded successfully.
# custom:
#   control_id: SOC2-CM-03
#   framework: SOC 2
#   section: TSC CC8.1 (tests system changes)
#   severity: high
#   stages: [merge]
package gate.controls.soc2["cm-03"]

import data.gate.lib.config
import data.gate.lib.result
import data.gate.lib.values

control := result.control(rego.metadata.chain())

_change := object.get(input.bundle, "change", {})

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the change record has no %s", [field]),
	sprintf("$.change.%s", [field]),
	"record the CI run that tested the change and the commit it ran on",
) if {
	some field in ["ci_run_id", "ci_commit_sha"]
	not values.text(object.get(_change, field, null))
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("CI tested commit %s but the artefact was built from %v", [_change.ci_commit_sha, object.get(input.bundle, ["artifact", "commit_sha"], "an unrecorded commit")]),
	"$.change.ci_commit_sha",
	"run the required tests on the commit the artefact is built from",
) if {
	values.text(object.get(_change, "ci_commit_sha", null))
	_change.ci_commit_sha != object.get(input.bundle, ["artifact", "commit_sha"], "")
}

deny contains result.violation(
	rego.metadata.chain(),
	"the CI tests did not pass (or their outcome is not recorded)",
	"$.change.tests_passed",
	"fix the failing tests and rerun CI on the promoted commit",
) if {
	object.get(_change, "tests_passed", false) != true
}

_conclusions := {c.name: c.conclusion | some c in object.get(_change, "required_checks", [])}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("required check %s %s", [name, _outcome(name)]),
	"$.change.required_checks",
	"run the required check on the promoted commit until it succeeds",
) if {
	some name in config.settings.soc2.required_checks
	object.get(_conclusions, name, "") != "success"
}

_outcome(name) := sprintf("concluded %s", [_conclusions[name]])

_outcome(name) := "did not run" if not _conclusions[name]
