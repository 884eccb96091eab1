# METADATA
# title: Release versioned, labeling and users updated, traced to the PCCP
# description: |
#   On release the device version is incremented over the version on the market, the
#   labeling is updated after work on the change began (and not in the future), users
#   are told about the release, and the release traces to the authorised PCCP version
#   and the modification it implements.
# custom:
#   control_id: FDA-PCCP-04
#   framework: FDA GMLP / PCCP
#   section: PCCP guidance, update procedures, labeling and version control
#   severity: high
#   stages: [production]
#   effective_from_data: [fda, guidances, PCCP, effective_from]
package gate.controls.fda["pccp-04"]

import data.gate.controls.fda.common
import data.gate.lib.result

control := result.control(rego.metadata.chain())

not_applicable_reason := common.pccp_reason

_version := object.get(common.fda, "device_version", null)

_previous := object.get(common.fda, "previous_device_version", null)

_updated_at := object.get(common.fda, ["labeling", "updated_at"], null)

deny contains result.violation(
	rego.metadata.chain(),
	"the device version being released is not recorded",
	"$.fda.device_version",
	"record the device software version of this release",
) if {
	not common.text(_version)
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the device version %s is not higher than the version on the market, %s", [_version, _previous]),
	"$.fda.device_version",
	"increment the device version for the release",
) if {
	common.text(_version)
	common.text(_previous)
	not _incremented
}

_incremented if {
	semver.is_valid(_version)
	semver.is_valid(_previous)
	semver.compare(_version, _previous) > 0
}

# Versions that are not semantic versions only have to differ.
_incremented if {
	not _both_semver
	_version != _previous
}

_both_semver if {
	semver.is_valid(_version)
	semver.is_valid(_previous)
}

deny contains result.violation(
	rego.metadata.chain(),
	"the labeling update time is missing or not an RFC 3339 time",
	"$.fda.labeling.updated_at",
	"update the labeling for this release and record when",
) if {
	not common.ns(_updated_at)
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the labeling was last updated at %s, before work on this change began at %s", [_updated_at, common.change.first_commit_at]),
	"$.fda.labeling.updated_at",
	"update the labeling (performance, update information) to describe this release",
) if {
	common.ns(_updated_at) < common.ns(common.change.first_commit_at)
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the labeling update time %s is later than now (%s)", [_updated_at, input.context.now]),
	"$.fda.labeling.updated_at",
	"record the time the labeling was actually updated",
) if {
	common.ns(_updated_at) > common.ns(input.context.now)
}

deny contains result.violation(
	rego.metadata.chain(),
	"the communication to users about this release is not linked",
	"$.fda.user_communication_uri",
	"tell users what changed in this release (release notes, field notice) and link it",
) if {
	not common.text(object.get(common.fda, "user_communication_uri", null))
}

deny contains result.violation(
	rego.metadata.chain(),
	"the release does not trace to the authorised PCCP version",
	"$.fda.pccp.authorized_version",
	"record the authorised PCCP version the release is made under",
) if {
	not common.text(object.get(common.fda, ["pccp", "authorized_version"], null))
}

deny contains result.violation(
	rego.metadata.chain(),
	"the release does not trace to a modification of the authorised PCCP",
	"$.change.pccp.modification_id",
	"record in change.pccp.modification_id the PCCP modification this release implements",
) if {
	not object.get(common.change, ["pccp", "modification_id"], null) in object.get(common.fda, ["pccp", "modification_ids"], [])
}
