package gate.controls.sr117["val-06_test"]

import data.gate.controls.sr117.fixtures_test as fx
import data.gate.controls.sr117["val-06"] as control

_finding(severity, status) := {"id": "VF-9", "severity": severity, "status": status, "owner": "dana-dev", "due_date": "2027-01-31"}

test_success_findings_closed if {
	control.deny == set() with input as fx.input_at("production", fx.bundle)
	control.warn == set() with input as fx.input_at("production", fx.bundle)
}

test_fail_open_high_finding_blocks_high_tier if {
	b := fx.patched({"validation": {"findings": [_finding("high", "in_remediation")]}})
	fx.paths(control.deny) == {"$.validation.findings[0].status"} with input as fx.input_at("production", b)
}

test_success_open_high_finding_allowed_for_medium_tier if {
	b := fx.patched({"model": {"risk_tier": "medium"}, "validation": {"findings": [_finding("high", "open")]}})
	control.deny == set() with input as fx.input_at("production", b)
}

test_fail_open_finding_without_owner_and_overdue if {
	b := fx.patched({"validation": {"findings": [{"id": "VF-9", "severity": "low", "status": "open"}, object.union(_finding("medium", "open"), {"due_date": "2026-11-01"})]}})
	fx.paths(control.deny) == {
		"$.validation.findings[0].owner",
		"$.validation.findings[0].due_date",
	} with input as fx.input_at("production", b)
	fx.paths(control.warn) == {"$.validation.findings[1].due_date"} with input as fx.input_at("production", b)
}

test_fail_conditional_without_conditions if {
	b := fx.patched({"validation": {"outcome": "conditional", "conditions": []}})
	fx.paths(control.deny) == {"$.validation.conditions"} with input as fx.input_at("production", b)
}

test_fail_incomplete_and_lapsed_conditions if {
	b := fx.patched({"validation": {"outcome": "conditional", "conditions": [
		{"description": "recalibrate EU segment"},
		{"description": "report PSI weekly", "owner": "lee-dev", "due_date": "2026-11-01"},
		{"description": "review overlay", "owner": "lee-dev", "due_date": "2027-01-01", "status": "lapsed"},
		{"description": "document reject inference", "owner": "lee-dev", "due_date": "2026-10-01", "status": "met"},
	]}})
	fx.paths(control.deny) == {
		"$.validation.conditions[0].owner",
		"$.validation.conditions[0].due_date",
		"$.validation.conditions[1].status",
		"$.validation.conditions[2].status",
	} with input as fx.input_at("production", b)
}

test_success_metadata_names_both_guidances if {
	control.control.id == "SR117-VAL-06"
	contains(control.control.section, "SR 11-7")
	contains(control.control.section, "SR 26-2")
}

test_fail_missing_findings_list if {
	b := json.remove(fx.bundle, ["validation/findings"])
	fx.paths(control.deny) == {"$.validation.findings"} with input as fx.input_at("production", b)
}

test_success_empty_findings_list if {
	b := fx.patched({"validation": {"findings": []}})
	control.deny == set() with input as fx.input_at("production", b)
}
