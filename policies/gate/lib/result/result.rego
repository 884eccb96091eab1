# METADATA
# title: Result builders
# description: |
#   Builds control descriptors and violation objects from a rule's annotation chain, so
#   that control ids, frameworks and severities come from METADATA and are never typed
#   into messages by hand. A control whose in-force date is a regulation's date names
#   where that date lives in the policy data (custom.effective_from_data, a path below
#   the settings) instead of repeating it, so a bank's override of the date moves every
#   control that depends on it.
package gate.lib.result

import data.gate.lib.config
import data.gate.lib.dates

# The package-scoped annotations of the control that called us.
_package_annotations(chain) := entry.annotations if {
	some entry in chain
	entry.annotations.scope == "package"
}

# control describes a control package from its METADATA.
control(chain) := {
	"id": ann.custom.control_id,
	"framework": ann.custom.framework,
	"section": ann.custom.section,
	"title": ann.title,
	"severity": ann.custom.severity,
	"stages": ann.custom.stages,
	"effective_from": _effective_from(ann.custom),
	"effective_until": object.get(ann.custom, "effective_until", ""),
} if {
	ann := _package_annotations(chain)
}

# The date at custom.effective_from_data in the settings; a path that names no date
# (nothing, a number, or a string that is not YYYY-MM-DD, which would compare after every
# real date and make the control "not yet in force" for ever) leaves the control
# undefined, which the gate reports rather than applying it always or never.
_effective_from(custom) := date if {
	date := object.get(config.settings, custom.effective_from_data, null)
	dates.is_date(date)
} else := object.get(custom, "effective_from", "") if {
	not custom.effective_from_data
}

# violation builds one violation of the calling control.
violation(chain, msg, evidence_path, remediation) := {
	"control_id": ctl.id,
	"framework": ctl.framework,
	"section": ctl.section,
	"severity": ctl.severity,
	"title": ctl.title,
	"msg": msg,
	"remediation": remediation,
	"evidence_path": evidence_path,
} if {
	ctl := control(chain)
}

# approval_requirement builds one human approval the calling control requires.
approval_requirement(chain, role, n, reason) := {
	"control_id": ctl.id,
	"role": role,
	"count": n,
	"reason": reason,
} if {
	ctl := control(chain)
}
