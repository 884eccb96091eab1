# METADATA
# title: Gate decision
# description: |
#   The single entrypoint. Collects every control package under data.gate.controls,
#   decides which apply (stage, effective dates, the control's own applicability),
#   applies waivers, computes the human approvals required, and returns the decision.
#   A stage includes the stages before it in the promotion order merge, staging,
#   production: a production promotion must still meet what merge required. The
#   monitoring stage only runs the controls that name it.
# entrypoint: true
package gate.main

import data.gate.lib.approvals
import data.gate.lib.config
import data.gate.lib.dates
import data.gate.lib.guidance

_promotion_order := {"merge": 1, "staging": 2, "production": 3}

_known_stages := {"merge", "staging", "production", "monitoring"}

# ---------------------------------------------------------------- input checks

# Each check is a rule of its own: a negated expression whose reference is undefined
# would otherwise make the whole body fail and hide the problem.
_stage_ok if input.stage in _known_stages

_bundle_ok if is_object(input.bundle)

_digest_ok if regex.match(`^sha256:[0-9a-f]{64}$`, input.context.bundle_digest)

_approvals_ok if is_array(input.approvals)

input_problems contains "input.stage must be one of merge, staging, production, monitoring" if {
	not _stage_ok
}

input_problems contains "input.bundle must be an evidence bundle object" if {
	not _bundle_ok
}

input_problems contains "input.context.now must be an RFC 3339 time" if {
	not _now_ns
}

input_problems contains "input.context.bundle_digest must be the bundle's sha256 digest" if {
	not _digest_ok
}

input_problems contains "input.approvals must be a list" if {
	not _approvals_ok
}

# The supervisory guidance the bank selects must be one the policy data dates: a decision
# under a guidance nobody can name would claim rules it did not apply.
_selected_guidance := json.marshal(object.get(config.settings, ["sr117", "guidance"], null))

_known_guidances := concat(", ", sort(object.keys(object.get(config.settings, ["sr117", "guidances"], {}))))

input_problems contains sprintf("policy data sr117.guidance %s names no known guidance (known: %s); set it to one of them", [_selected_guidance, _known_guidances]) if {
	not guidance.known
}

# A stage list of the policy data (a setting named *_stages, top level or in a framework's
# section) that is not a list of known stages would make each control reading it skip its
# check without a word (`input.stage in "production"` is undefined): it is reported.
_stage_list(value) if {
	is_array(value)
	every stage in value {
		stage in _known_stages
	}
}

_stage_settings[key] := value if {
	some key, value in config.settings
	endswith(key, "_stages")
}

_stage_settings[sprintf("%s.%s", [section, key])] := value if {
	some section, values in config.settings
	is_object(values)
	some key, value in values
	endswith(key, "_stages")
}

input_problems contains sprintf("policy data %s is %s, not a list of stages (%s); set it to a list of them", [name, json.marshal(value), concat(", ", sort(_known_stages))]) if {
	some name, value in _stage_settings
	not _stage_list(value)
}

# A package under data.gate.controls that is not a helper (lib, common, *_test) and has
# no well-formed `control` (METADATA incomplete, or the rule forgotten) would silently
# drop out of the decision; it is reported instead.
_helper_package(slug) if slug in {"lib", "common"}

_helper_package(slug) if endswith(slug, "_test")

input_problems contains sprintf("policy package data.gate.controls.%s[%q] defines no control (its METADATA is incomplete or the `control` rule is missing)", [framework, slug]) if {
	some framework, slug
	pkg := data.gate.controls[framework][slug]
	not _helper_package(slug)
	not pkg.control
}

# A control without a `deny` rule could never fail: it would pass whatever the evidence.
input_problems contains sprintf("policy package data.gate.controls.%s[%q] defines no deny rule, so it could never fail; add its `deny` rules", [framework, slug]) if {
	some framework, slug
	pkg := data.gate.controls[framework][slug]
	pkg.control
	not pkg.deny
}

_now_ns := time.parse_rfc3339_ns(input.context.now)

# The decision date in UTC, the same day the controls and the guidance read (gate.lib.dates),
# whatever offset the time was written with.
_today := dates.today

# ---------------------------------------------------------------- controls

# Every control package, keyed by control id.
_packages[ctl.id] := {"meta": ctl, "pkg": pkg} if {
	some framework, slug
	pkg := data.gate.controls[framework][slug]
	ctl := pkg.control
}

_stage_applies(stages) if input.stage in stages

_stage_applies(stages) if {
	some s in stages
	_promotion_order[s] < _promotion_order[input.stage]
}

_not_applicable_reason(meta, _) := sprintf("not checked at stage %s (applies at %s)", [input.stage, concat(", ", meta.stages)]) if {
	not _stage_applies(meta.stages)
}

_not_applicable_reason(meta, _) := sprintf("not yet in force: effective from %s", [meta.effective_from]) if {
	_stage_applies(meta.stages)
	meta.effective_from != ""
	_today < meta.effective_from
}

_not_applicable_reason(meta, _) := sprintf("no longer in force: effective until %s", [meta.effective_until]) if {
	_stage_applies(meta.stages)
	meta.effective_until != ""
	_today >= meta.effective_until
}

_not_applicable_reason(meta, pkg) := pkg.not_applicable_reason if {
	_stage_applies(meta.stages)
	_in_force(meta)
}

_in_force(meta) if {
	meta.effective_from == ""
	meta.effective_until == ""
}

_in_force(meta) if {
	meta.effective_from != ""
	meta.effective_until == ""
	_today >= meta.effective_from
}

_in_force(meta) if {
	meta.effective_until != ""
	_today >= meta.effective_from
	_today < meta.effective_until
}

_applicable[id] := entry if {
	some id, entry in _packages
	not _any_reason(entry)
}

_any_reason(entry) if _not_applicable_reason(entry.meta, entry.pkg)

# ---------------------------------------------------------------- waivers

# A waiver is requested when the bundle declares it with a justification and a future
# expiry; it counts once a collected, valid approval for role "waiver:<control id>"
# exists. An expired or unjustified waiver is no request at all. Integrity and
# separation-of-duties controls (settings non_waivable_controls, from the base branch's
# policy data) are never waived: a waiver of one is refused with a warning.
_not_waivable := {id | some id in config.settings.non_waivable_controls}

_refused_waivers := [{
	"control_id": w.control_id,
	"framework": "mrm-gate",
	"section": "waiver policy (policy data non_waivable_controls)",
	"severity": "high",
	"title": "Integrity and separation-of-duties controls are not waivable",
	"msg": sprintf("the waiver of %s is refused: integrity and separation-of-duties controls cannot be waived", [w.control_id]),
	"remediation": "remove the waiver and meet the control",
	"evidence_path": sprintf("$.waivers[%d]", [i]),
} |
	some i, w in object.get(input.bundle, "waivers", [])
	w.control_id in _not_waivable
]

_requested_waivers[w.control_id] := w if {
	some w in object.get(input.bundle, "waivers", [])
	not w.control_id in _not_waivable
	is_string(w.justification)
	w.justification != ""
	_now_ns < time.parse_rfc3339_ns(w.expires_at)
}

_waiver_role(id) := concat(":", ["waiver", id])

_waivers[id] := object.union(w, {"approved_by": sort(logins)}) if {
	some id, w in _requested_waivers
	logins := approvals.approvers(_waiver_role(id))
	count(logins) > 0
}

# ---------------------------------------------------------------- results

_denials[id] := {v | some v in entry.pkg.deny} if some id, entry in _applicable

violations := array.concat(_sod_violations, [v |
	some id, vs in _denials
	not _waivers[id]
	some v in vs
])

waived := [object.union(v, {"waiver": _waivers[id]}) |
	some id, vs in _denials
	_waivers[id]
	some v in vs
]

warnings := array.concat(_refused_waivers, [w |
	some id, entry in _applicable
	some w in entry.pkg.warn
])

_status(id) := "fail" if {
	count(_denials[id]) > 0
	not _waivers[id]
}

_status(id) := "waived" if {
	count(_denials[id]) > 0
	_waivers[id]
}

_status(id) := "pass" if count(_denials[id]) == 0

_control_row(entry, status, reason) := {
	"id": entry.meta.id,
	"framework": entry.meta.framework,
	"section": entry.meta.section,
	"title": entry.meta.title,
	"severity": entry.meta.severity,
	"status": status,
	"reason": reason,
}

controls := array.concat(
	[_control_row(entry, _status(id), "") |
		some id, entry in _applicable
	],
	[_control_row(entry, "not_applicable", reason) |
		some id, entry in _packages
		not _applicable[id]
		reason := _first_reason(entry)
	],
)

_first_reason(entry) := min({r | r := _not_applicable_reason(entry.meta, entry.pkg)})

# ---------------------------------------------------------------- approvals

# Human sign-off is collected at the stages named by the approval_stages setting
# (staging and production by default): a merge is gated on evidence, a promotion on
# evidence and people.
_requirements contains req if {
	input.stage in config.settings.approval_stages
	some _, entry in _applicable
	some req in entry.pkg.required_approvals
}

# A requested waiver of a control that fails needs its own approval, at any stage: until
# it is given the control keeps failing, and the report says who must approve what.
_requirements contains {
	"control_id": id,
	"role": _waiver_role(id),
	"count": 1,
	"reason": sprintf("waive %s until %s", [id, w.expires_at]),
} if {
	some id, w in _requested_waivers
	count(_denials[id]) > 0
}

_roles := {req.role | some req in _requirements}

required_approvals := [{
	"role": role,
	"count": n,
	"reason": concat("; ", sort({r.reason | some r in _requirements; r.role == role})),
	"controls": sort({r.control_id | some r in _requirements; r.role == role}),
	"satisfied": count(have) >= n,
	"satisfied_by": sort(have),
} |
	some role in _roles
	n := max({r.count | some r in _requirements; r.role == role})
	have := approvals.approvers(role)
]

stale_approvals := [a | some a in approvals.rejected]

# ---------------------------------------------------------------- separation of duties

# Each required role is filled by a different person: one login counted towards two
# roles is a violation (not waivable), unless the base branch's policy data lists the
# pair in separation_of_duties.shared_roles. Waiver roles are left out: approving a
# waiver is a separate act, controlled by its own role.
_duty_roles := {r.role | some r in required_approvals; not startswith(r.role, "waiver:")}

_shared_pair(a, b) if {
	some pair in object.get(config.settings, ["separation_of_duties", "shared_roles"], [])
	{a, b} == {x | some x in pair}
}

_sod_conflicts contains [login, a, b] if {
	some ra in required_approvals
	some rb in required_approvals
	a := ra.role
	b := rb.role
	a < b
	a in _duty_roles
	b in _duty_roles
	some login in ra.satisfied_by
	login in rb.satisfied_by
	not _shared_pair(a, b)
}

_sod_violations := [{
	"control_id": "GATE-SOD-01",
	"framework": "mrm-gate",
	"section": "separation of duties (policy data separation_of_duties)",
	"severity": "critical",
	"title": "Each required role is filled by a different person",
	"msg": sprintf("%s approves as both %s and %s; each required role needs a different person", [login, a, b]),
	"remediation": "have a different member of one of the two teams approve, or list the pair in separation_of_duties.shared_roles of the base branch's policy data",
	"evidence_path": "$.approvals",
} |
	some [login, a, b] in _sod_conflicts
]

# ---------------------------------------------------------------- revision

_revisions := {rev |
	some name
	rev := data.system.bundles[name].manifest.revision
}

policy_revision := rev if {
	count(_revisions) == 1
	some rev in _revisions
}

default policy_revision := ""

# ---------------------------------------------------------------- decision

_input_violations := [{
	"control_id": "GATE-INPUT-01",
	"framework": "mrm-gate",
	"section": "policy input contract",
	"severity": "critical",
	"title": "Policy input is well formed",
	"msg": p,
	"remediation": "call the policy through mrm-gate, which validates evidence before evaluation",
	"evidence_path": "$",
} |
	some p in input_problems
]

default allow := false

allow if {
	count(input_problems) == 0
	count(controls) > 0
	count(violations) == 0
	every req in required_approvals {
		req.satisfied
	}
}

decision := {
	"allow": allow,
	"stage": input.stage,
	"violations": array.concat(_input_violations, violations),
	"warnings": warnings,
	"waived": waived,
	"controls": controls,
	"required_approvals": required_approvals,
	"stale_approvals": stale_approvals,
	"policy_revision": policy_revision,
	"guidance": guidance.summary,
} if count(input_problems) == 0

decision := {
	"allow": false,
	"stage": object.get(input, "stage", ""),
	"violations": _input_violations,
	"warnings": [],
	"waived": [],
	"controls": [],
	"required_approvals": [],
	"stale_approvals": [],
	"policy_revision": policy_revision,
	"guidance": guidance.summary,
} if count(input_problems) > 0
