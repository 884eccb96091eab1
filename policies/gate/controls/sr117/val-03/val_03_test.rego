package gate.controls.sr117["val-03_test"]

import data.gate.controls.sr117.fixtures_test as fx
import data.gate.controls.sr117["val-03"] as control

test_success_reviewed if {
	control.deny == set() with input as fx.input_at("staging", fx.bundle)
}

test_fail_no_review if {
	fx.paths(control.deny) == {
		"$.validation.conceptual_soundness.uri",
		"$.validation.conceptual_soundness.conclusion",
		"$.validation.conceptual_soundness.reviewed_assumptions",
	} with input as fx.input_at("staging", fx.without(["/validation/conceptual_soundness"]))
}

test_fail_no_assumptions_reviewed if {
	b := fx.patched({"validation": {"conceptual_soundness": {"reviewed_assumptions": []}}})
	fx.paths(control.deny) == {"$.validation.conceptual_soundness.reviewed_assumptions"} with input as fx.input_at("staging", b)
}

test_success_metadata_names_both_guidances if {
	control.control.id == "SR117-VAL-03"
	contains(control.control.section, "SR 11-7")
	contains(control.control.section, "SR 26-2")
}

_segmented(segments) := fx.patched({
	"data": {"datasets": [{"name": "oot", "role": "oot", "representativeness": {"segments": ["sex:female", "sex:male"]}}]},
	"validation": {"metrics": {"segments": segments}},
})

test_success_every_declared_segment_reported if {
	b := _segmented([
		{"attribute": "sex", "segment": "female", "n": 10, "metrics": {"auc": 0.7}},
		{"attribute": "sex", "segment": "male", "n": 10, "metrics": {"auc": 0.7}},
	])
	control.deny == set() with input as fx.input_at("staging", b)
}

test_fail_segment_without_metrics if {
	b := _segmented([
		{"attribute": "sex", "segment": "female", "n": 10, "metrics": {"auc": 0.7}},
		{"attribute": "sex", "segment": "male", "n": 10, "metrics": {}},
	])
	{v.msg | some v in control.deny} == {"the validation reports no metrics for segment sex:male of the evaluation data"} with input as fx.input_at("staging", b)
}

test_success_training_segments_need_no_validation_metrics if {
	b := fx.patched({"data": {"datasets": [{"name": "t", "role": "train", "representativeness": {"segments": ["sex:female"]}}]}})
	control.deny == set() with input as fx.input_at("staging", b)
}
