package gate.controls.mrm_gate["wf-01_test"]

import data.gate.controls.mrm_gate["wf-01"] as control

_workflow := {"path": ".github/workflows/pr-gate.yml", "repository_id": 1, "ref": "refs/heads/main", "sha": "", "bypass_allowed": false}

_denied(protection) if {
	count(control.deny) == 1 with input as {"bundle": {"security": {"branch_protection": protection}}}
}

_allowed(protection) if {
	count(control.deny) == 0 with input as {"bundle": {"security": {"branch_protection": protection}}}
}

test_success_a_required_workflow_nobody_may_bypass if {
	_allowed({"required_workflows": [_workflow]})
}

test_fail_a_required_workflow_admins_may_bypass if {
	_denied({"required_workflows": [object.union(_workflow, {"bypass_allowed": true})]})
}

test_success_the_gate_check_required_from_the_gates_app if {
	_allowed({"required_status_check_apps": [{"context": "mrm-gate", "app_id": 904211}]})
}

test_fail_the_gate_check_required_from_github_actions if {
	_denied({"required_status_check_apps": [{"context": "mrm-gate", "app_id": 15368}]})
}

test_fail_the_gate_check_required_from_any_app if {
	_denied({"required_status_check_apps": [{"context": "mrm-gate", "app_id": null}]})
}

test_fail_another_check_bound_to_an_app if {
	_denied({"required_status_check_apps": [{"context": "unit-tests", "app_id": 904211}], "required_workflows": []})
}

test_fail_no_facts_collected if {
	_denied({})
}

test_fail_the_gates_app_binding_without_the_workflow_token_apps_in_the_data if {
	count(control.deny) == 1 with input as {"bundle": {"security": {"branch_protection": {"required_status_check_apps": [{"context": "mrm-gate", "app_id": 904211}]}}}}
		with data.gate.config.mrm_gate as {"controls_effective_from": "2011-04-04"}
}

test_fail_the_gates_app_binding_when_the_workflow_token_apps_are_not_a_list if {
	count(control.deny) == 1 with input as {"bundle": {"security": {"branch_protection": {"required_status_check_apps": [{"context": "mrm-gate", "app_id": 904211}]}}}}
		with data.gate.config.mrm_gate.workflow_token_app_ids as "15368"
}
