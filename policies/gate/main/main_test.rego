package gate.main_test

import data.gate.main

_digest := concat("", ["sha256:", crypto.sha256("bundle")])

_meta(id, stages) := {
	"id": id, "framework": "Example", "section": "§1", "title": concat(" ", ["control", id]),
	"severity": "high", "stages": stages, "effective_from": "", "effective_until": "",
}

_violation(id) := {
	"control_id": id, "framework": "Example", "section": "§1", "severity": "high",
	"title": concat(" ", ["control", id]), "msg": "broken", "remediation": "fix it",
	"evidence_path": "$.x",
}

_input(stage) := {
	"stage": stage,
	"bundle": {"inventory": {"developer_ids": ["dana-dev"], "owner_id": "omar-owner"}},
	"context": {"now": "2026-11-30T12:00:00Z", "bundle_digest": _digest, "pull_request": {
		"author": "dana-dev", "head_sha": "abc",
		"commits": [{"sha": "abc", "author": "carl-coauthor", "committer": "dana-dev"}],
	}},
	"approvals": [],
}

_approval(role, login) := {
	"role": role, "login": login, "via": "comment", "verified": true,
	"bundle_digest": _digest, "commit_sha": "abc",
}

_pass_ctl := {"p": {"control": _meta("EX-PASS", ["merge"]), "deny": set()}}

_fail_ctl := {"f": {"control": _meta("EX-FAIL", ["merge"]), "deny": {_violation("EX-FAIL")}}}

_approval_ctl := {"a": {
	"control": _meta("EX-APPR", ["production"]), "deny": set(),
	"required_approvals": {{"control_id": "EX-APPR", "role": "validator", "count": 1, "reason": "sign"}},
}}

_statuses(d) := {c.id: c.status | some c in d.controls}

test_success_all_controls_pass_allows if {
	d := main.decision with data.gate.controls as {"ex": _pass_ctl} with input as _input("merge")
	d.allow == true
	d.violations == []
	_statuses(d) == {"EX-PASS": "pass"}
}

test_fail_violation_denies if {
	d := main.decision with data.gate.controls as {"ex": object.union(_pass_ctl, _fail_ctl)}
		with input as _input("merge")
	d.allow == false
	d.violations == [_violation("EX-FAIL")]
	_statuses(d) == {"EX-PASS": "pass", "EX-FAIL": "fail"}
}

test_fail_no_controls_denies if {
	d := main.decision with data.gate.controls as {} with input as _input("merge")
	d.allow == false
	d.controls == []
}

test_success_stages_are_cumulative if {
	d := main.decision with data.gate.controls as {"ex": _fail_ctl} with input as _input("production")
	_statuses(d) == {"EX-FAIL": "fail"}
}

test_success_monitoring_runs_only_named_controls if {
	ctls := {"ex": object.union(_fail_ctl, {"m": {"control": _meta("EX-MON", ["monitoring"]), "deny": set()}})}
	d := main.decision with data.gate.controls as ctls with input as _input("monitoring")
	_statuses(d) == {"EX-FAIL": "not_applicable", "EX-MON": "pass"}
	d.allow == true
}

test_success_approvals_only_at_approval_stages if {
	ctl := {"a": object.union(_approval_ctl.a, {"control": _meta("EX-APPR", ["merge"])})}
	d := main.decision with data.gate.controls as {"ex": ctl} with input as _input("merge")
	_statuses(d) == {"EX-APPR": "pass"}
	d.required_approvals == []
	d.allow == true
	d2 := main.decision with data.gate.controls as {"ex": ctl} with input as _input("merge")
		with data.gate.overrides as {"approval_stages": ["merge", "staging", "production"]}
	d2.allow == false
	[r.role | some r in d2.required_approvals] == ["validator"]
}

test_success_later_stage_control_not_applicable_earlier if {
	d := main.decision with data.gate.controls as {"ex": _approval_ctl} with input as _input("merge")
	_statuses(d) == {"EX-APPR": "not_applicable"}
	d.required_approvals == []
	[c.reason | some c in d.controls] == ["not checked at stage merge (applies at production)"]
}

test_success_effective_dates if {
	future := object.union(_meta("EX-FUT", ["merge"]), {"effective_from": "2027-12-02"})
	past := object.union(_meta("EX-OLD", ["merge"]), {"effective_from": "2011-04-04", "effective_until": "2026-04-17"})
	live := object.union(_meta("EX-LIVE", ["merge"]), {"effective_from": "2011-04-04", "effective_until": "2030-01-01"})
	started := object.union(_meta("EX-ON", ["merge"]), {"effective_from": "2026-01-01"})
	ctls := {"ex": {
		"fut": {"control": future, "deny": {_violation("EX-FUT")}},
		"old": {"control": past, "deny": {_violation("EX-OLD")}},
		"live": {"control": live, "deny": set()},
		"on": {"control": started, "deny": set()},
	}}
	d := main.decision with data.gate.controls as ctls with input as _input("merge")
	_statuses(d) == {"EX-FUT": "not_applicable", "EX-OLD": "not_applicable", "EX-LIVE": "pass", "EX-ON": "pass"}
	{c.reason | some c in d.controls; c.status == "not_applicable"} == {
		"not yet in force: effective from 2027-12-02",
		"no longer in force: effective until 2026-04-17",
	}
	d.allow == true
}

test_success_control_own_applicability if {
	ctls := {"ex": {"na": {
		"control": _meta("EX-NA", ["merge"]), "deny": {_violation("EX-NA")},
		"not_applicable_reason": "not a credit model",
	}}}
	d := main.decision with data.gate.controls as ctls with input as _input("merge")
	d.controls[0].status == "not_applicable"
	d.controls[0].reason == "not a credit model"
	d.allow == true
}

test_fail_missing_approval_denies if {
	d := main.decision with data.gate.controls as {"ex": _approval_ctl} with input as _input("production")
	d.allow == false
	d.violations == []
	d.required_approvals == [{
		"role": "validator", "count": 1, "reason": "sign", "controls": ["EX-APPR"],
		"satisfied": false, "satisfied_by": [],
	}]
}

test_success_independent_approval_allows if {
	inp := object.union(_input("production"), {"approvals": [_approval("validator", "vera-validator")]})
	d := main.decision with data.gate.controls as {"ex": _approval_ctl} with input as inp
	d.allow == true
	d.required_approvals[0].satisfied_by == ["vera-validator"]
	d.stale_approvals == []
}

test_fail_conflicted_and_stale_approvals_do_not_count if {
	stale := object.union(_approval("validator", "vera-validator"), {"bundle_digest": "sha256:00"})
	inp := object.union(_input("production"), {"approvals": [
		_approval("validator", "dana-dev"),
		_approval("validator", "carl-coauthor"),
		_approval("validator", "omar-owner"),
		stale,
	]})
	d := main.decision with data.gate.controls as {"ex": _approval_ctl} with input as inp
	d.allow == false
	{a.login | some a in d.stale_approvals} == {"dana-dev", "carl-coauthor", "omar-owner", "vera-validator"}
}

_waiver(expires) := {"control_id": "EX-FAIL", "justification": "compensated by manual review", "expires_at": expires}

test_success_valid_waiver_waives if {
	inp := object.union(_input("merge"), {
		"bundle": {"waivers": [_waiver("2027-01-01T00:00:00Z")], "inventory": {"developer_ids": ["dana-dev"]}},
		"approvals": [_approval("waiver:EX-FAIL", "mia-mrm")],
	})
	d := main.decision with data.gate.controls as {"ex": _fail_ctl} with input as inp
	d.allow == true
	d.violations == []
	_statuses(d) == {"EX-FAIL": "waived"}
	d.waived == [object.union(_violation("EX-FAIL"), {"waiver": object.union(_waiver("2027-01-01T00:00:00Z"), {"approved_by": ["mia-mrm"]})})]
	d.required_approvals == [{
		"role": "waiver:EX-FAIL", "count": 1, "reason": "waive EX-FAIL until 2027-01-01T00:00:00Z",
		"controls": ["EX-FAIL"], "satisfied": true, "satisfied_by": ["mia-mrm"],
	}]
}

test_fail_expired_waiver_waives_nothing if {
	inp := object.union(_input("merge"), {
		"bundle": {"waivers": [_waiver("2026-01-01T00:00:00Z")]},
		"approvals": [_approval("waiver:EX-FAIL", "mia-mrm")],
	})
	d := main.decision with data.gate.controls as {"ex": _fail_ctl} with input as inp
	d.allow == false
	_statuses(d) == {"EX-FAIL": "fail"}
	d.waived == []
	d.required_approvals == []
}

test_fail_waiver_without_collected_approval if {
	inp := object.union(_input("merge"), {"bundle": {"waivers": [_waiver("2027-01-01T00:00:00Z")]}})
	d := main.decision with data.gate.controls as {"ex": _fail_ctl} with input as inp
	d.allow == false
	_statuses(d) == {"EX-FAIL": "fail"}
	[[r.role, r.satisfied] | some r in d.required_approvals] == [["waiver:EX-FAIL", false]]
}

test_success_waiver_of_a_passing_control_needs_no_approval if {
	inp := object.union(_input("merge"), {"bundle": {"waivers": [object.union(_waiver("2027-01-01T00:00:00Z"), {"control_id": "EX-PASS"})]}})
	d := main.decision with data.gate.controls as {"ex": _pass_ctl} with input as inp
	d.allow == true
	d.required_approvals == []
}

test_success_warnings_are_reported_not_blocking if {
	ctls := {"ex": {"w": {"control": _meta("EX-W", ["merge"]), "deny": set(), "warn": {_violation("EX-W")}}}}
	d := main.decision with data.gate.controls as ctls with input as _input("merge")
	d.allow == true
	d.warnings == [_violation("EX-W")]
}

test_fail_malformed_input_is_a_violation if {
	d := main.decision with data.gate.controls as {"ex": _pass_ctl}
		with input as {"stage": "prod", "bundle": [], "context": {"now": "yesterday"}}
	d.allow == false
	{v.msg | some v in d.violations} == {
		"input.stage must be one of merge, staging, production, monitoring",
		"input.bundle must be an evidence bundle object",
		"input.context.now must be an RFC 3339 time",
		"input.context.bundle_digest must be the bundle's sha256 digest",
		"input.approvals must be a list",
	}
	{v.control_id | some v in d.violations} == {"GATE-INPUT-01"}
}

test_success_revision_from_bundle_manifest if {
	d := main.decision with data.gate.controls as {"ex": _pass_ctl} with input as _input("merge")
		with data.system.bundles as {"b": {"manifest": {"revision": "sha256:abc"}}}
	d.policy_revision == "sha256:abc"
}

test_success_no_bundle_no_revision if {
	d := main.decision with data.gate.controls as {"ex": _pass_ctl} with input as _input("merge")
	d.policy_revision == ""
}

test_fail_waiver_of_a_non_waivable_control_is_refused if {
	inp := object.union(_input("merge"), {
		"bundle": {"waivers": [_waiver("2027-01-01T00:00:00Z")]},
		"approvals": [_approval("waiver:EX-FAIL", "mia-mrm")],
	})
	d := main.decision with data.gate.controls as {"ex": _fail_ctl} with input as inp
		with data.gate.overrides as {"non_waivable_controls": ["EX-FAIL"]}
	d.allow == false
	_statuses(d) == {"EX-FAIL": "fail"}
	d.waived == []
	d.required_approvals == []
	[[w.control_id, w.evidence_path, w.msg] | some w in d.warnings] == [["EX-FAIL", "$.waivers[0]", "the waiver of EX-FAIL is refused: integrity and separation-of-duties controls cannot be waived"]]
}

test_success_integrity_controls_listed_as_not_waivable_in_data if {
	every id in ["SR117-VAL-01", "GATE-PROV-01", "SR117-VAL-02", "SOC2-CM-04"] {
		id in data.gate.config.defaults.non_waivable_controls
	}
}

test_fail_control_package_without_control_is_an_input_problem if {
	d := main.decision with data.gate.controls as {"ex": object.union(_pass_ctl, {"forgot-01": {"deny": {_violation("EX-X")}}})}
		with input as _input("merge")
	d.allow == false
	[v.control_id | some v in d.violations] == ["GATE-INPUT-01"]
	some v in d.violations
	startswith(v.msg, `policy package data.gate.controls.ex["forgot-01"] defines no control`)
}

test_success_helper_packages_need_no_control if {
	d := main.decision with data.gate.controls as {"ex": object.union(_pass_ctl, {"lib": {"x": 1}, "common": {"y": 1}, "p_test": {}})}
		with input as _input("merge")
	d.allow == true
}

_two_roles_ctl := {"a": {
	"control": _meta("EX-APPR", ["production"]), "deny": set(),
	"required_approvals": {
		{"control_id": "EX-APPR", "role": "validator", "count": 1, "reason": "sign"},
		{"control_id": "EX-APPR", "role": "mrm", "count": 1, "reason": "approve use"},
	},
}}

_one_person_two_roles := object.union(_input("production"), {"approvals": [
	_approval("validator", "vera-validator"),
	_approval("mrm", "vera-validator"),
]})

test_fail_one_person_in_two_required_roles if {
	d := main.decision with data.gate.controls as {"ex": _two_roles_ctl} with input as _one_person_two_roles
	d.allow == false
	[[v.control_id, v.msg] | some v in d.violations] == [["GATE-SOD-01", "vera-validator approves as both mrm and validator; each required role needs a different person"]]
}

test_success_two_people_in_two_roles if {
	inp := object.union(_input("production"), {"approvals": [
		_approval("validator", "vera-validator"),
		_approval("mrm", "mia-mrm"),
	]})
	d := main.decision with data.gate.controls as {"ex": _two_roles_ctl} with input as inp
	d.allow == true
}

test_success_policy_data_may_let_roles_share_a_person if {
	d := main.decision with data.gate.controls as {"ex": _two_roles_ctl} with input as _one_person_two_roles
		with data.gate.overrides as {"separation_of_duties": {"shared_roles": [["validator", "mrm"]]}}
	d.allow == true
}

# An SR control's in-force date is the policy data's SR 11-7 date: a bank's override of
# that date moves the control's applicability in the decision.
test_success_data_date_override_moves_applicability if {
	inp := data.gate.controls.sr117.fixtures_test.input_at("production", data.gate.controls.sr117.fixtures_test.bundle)
	[row] := [r | some r in main.decision.controls; r.id == "SR117-VAL-02"] with input as inp
	row.status != "not_applicable"
	[moved] := [r | some r in main.decision.controls; r.id == "SR117-VAL-02"] with input as inp
		with data.gate.overrides as {"sr117": {"guidances": {"SR 11-7": {"effective_from": "2027-01-01"}}}}
	moved.status == "not_applicable"
	moved.reason == "not yet in force: effective from 2027-01-01"
}

test_success_decision_names_the_guidance_applied if {
	d := main.decision with data.gate.controls as {"ex": _pass_ctl} with input as _input("merge")
	d.guidance == {
		"selected": "SR 26-2",
		"applied": "SR 26-2",
		"in_force": "SR 26-2",
		"effective_from": "2026-04-17",
		"effective_until": "",
	}
}

test_success_decision_before_sr_26_2_names_sr_11_7 if {
	inp := json.patch(_input("merge"), [{"op": "replace", "path": "/context/now", "value": "2026-04-16T23:59:59Z"}])
	d := main.decision with data.gate.controls as {"ex": _pass_ctl} with input as inp
	d.guidance == {
		"selected": "SR 26-2",
		"applied": "SR 11-7",
		"in_force": "SR 11-7",
		"effective_from": "2011-04-04",
		"effective_until": "2026-04-17",
	}
}

test_fail_unknown_guidance_selection_is_an_input_problem if {
	d := main.decision with data.gate.controls as {"ex": _pass_ctl} with input as _input("merge")
		with data.gate.overrides as {"sr117": {"guidance": "SR 99-1"}}
	d.allow == false
	[v.msg | some v in d.violations] == [`policy data sr117.guidance "SR 99-1" names no known guidance (known: SR 11-7, SR 26-2); set it to one of them`]
	d.guidance.selected == "SR 99-1"
	d.guidance.applied == ""
}

test_success_decision_with_input_problems_names_the_guidance if {
	d := main.decision with data.gate.controls as {"ex": _pass_ctl} with input as object.union(_input("merge"), {"stage": "nowhere"})
	d.guidance.applied == "SR 26-2"
}

test_success_decision_date_is_the_utc_day if {
	switch_day := object.union(_meta("EX-NEW", ["merge"]), {"effective_from": "2026-04-17"})
	ctls := {"ex": {"new": {"control": switch_day, "deny": set()}}}
	inp := json.patch(_input("merge"), [{"op": "replace", "path": "/context/now", "value": "2026-04-17T01:00:00+02:00"}])
	d := main.decision with data.gate.controls as ctls with input as inp
	[c.reason | some c in d.controls] == ["not yet in force: effective from 2026-04-17"]
	d.guidance.applied == "SR 11-7"
}

test_fail_control_package_without_deny_is_an_input_problem if {
	d := main.decision with data.gate.controls as {"ex": object.union(_pass_ctl, {"nodeny-01": {"control": _meta("EX-ND", ["merge"])}})}
		with input as _input("merge")
	d.allow == false
	[v.msg | some v in d.violations] == ["policy package data.gate.controls.ex[\"nodeny-01\"] defines no deny rule, so it could never fail; add its `deny` rules"]
}

test_fail_malformed_stage_list_in_policy_data_is_an_input_problem if {
	d := main.decision with data.gate.controls as {"ex": _pass_ctl} with input as _input("merge")
		with data.gate.overrides as {"fair_lending": {"review_stages": "production"}, "approval_stages": ["prod"]}
	d.allow == false
	{v.msg | some v in d.violations} == {
		`policy data fair_lending.review_stages is "production", not a list of stages (merge, monitoring, production, staging); set it to a list of them`,
		`policy data approval_stages is ["prod"], not a list of stages (merge, monitoring, production, staging); set it to a list of them`,
	}
}

test_success_stage_lists_of_the_policy_data_are_well_formed if {
	d := main.decision with data.gate.controls as {"ex": _pass_ctl} with input as _input("merge")
		with data.gate.overrides as {"fair_lending": {"review_stages": []}}
	d.allow == true
}

# A regulation date of the policy data that is no date leaves its controls undefined,
# reported, instead of "not yet in force" for ever.
test_fail_malformed_regulation_date_is_an_input_problem if {
	d := main.decision with input as _input("merge")
		with data.gate.overrides as {"eu_ai_act": {"application_dates": {"annex_iii": "someday"}}}
	d.allow == false
	msgs := {v.msg | some v in d.violations}
	"policy package data.gate.controls.eu_ai_act[\"pmm-01\"] defines no control (its METADATA is incomplete or the `control` rule is missing)" in msgs
}
