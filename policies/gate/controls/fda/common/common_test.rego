package gate.controls.fda.common_test

import data.gate.controls.fda.common

_device(change) := {"bundle": {"fda": {"device_function": true}, "change": change}}

test_success_device_reason_only_when_not_a_device if {
	common.device_reason == common.not_device_reason with input as {"bundle": {}}
	not common.device_reason with input as _device({})
}

test_success_pccp_reason_not_a_device if {
	r := common.pccp_reason with input as {"bundle": {"fda": {"device_function": false}}}
	r == "the model is not a device software function (fda.device_function is not true)"
}

test_success_pccp_reason_new_model if {
	r := common.pccp_reason with input as _device({"type": "new_model"})
	r == "a new model is cleared through its own marketing submission, not as a PCCP modification"
}

test_success_pccp_reason_change_outside_model if {
	r := common.pccp_reason with input as _device({"type": "non_material", "affected_components": ["code", "config"]})
	r == "the non_material change touches neither the model nor its data, so no PCCP modification is involved"
}

test_success_pccp_applies_to_model_changes if {
	not common.pccp_reason with input as _device({"type": "material"})
	not common.pccp_reason with input as _device({"type": "non_material", "affected_components": ["model"]})
	not common.pccp_reason with input as _device({})
	not common.pccp_reason with input as _device({"type": "new_model", "pccp": {"modification_id": "M1", "within_bounds": true}})
	not common.pccp_reason with input as _device({"type": "documentation", "pccp": {"modification_id": "M1", "within_bounds": true}})
}

test_success_meets_and_describe if {
	common.meets(0.9, {"min": 0.8, "max": 1})
	not common.meets(0.7, {"min": 0.8})
	not common.meets(2, {"max": 1})
	not common.meets("0.9", {"min": 0.8})
	not common.meets(0.9, {})
	common.describe({"min": 0.8, "max": 1}) == ">= 0.8 and <= 1"
	common.describe("odd") == "odd"
}

test_success_value_helpers if {
	common.text("x")
	not common.text(" ")
	common.nonempty_array([1])
	not common.nonempty_array([])
	common.ns("2026-01-01T00:00:00Z") == 1767225600000000000
	not common.ns("yesterday")
}
