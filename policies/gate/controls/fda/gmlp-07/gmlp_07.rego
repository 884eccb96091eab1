# METADATA
# title: Performance tested under clinically relevant conditions against pre-specified criteria
# description: |
#   Standalone performance is tested on independent data under named clinical
#   conditions. Every pre-specified acceptance criterion has a result that meets it and
#   a confidence interval; when settings fda.ci_lower_must_meet_criteria is true, the
#   whole interval must lie inside the criterion. Subgroup results are reported; a
#   subgroup below a criterion is a warning for the clinical reviewers.
# custom:
#   control_id: FDA-GMLP-07
#   framework: FDA GMLP / PCCP
#   section: GMLP Principle 8 (testing demonstrates device performance during clinically relevant conditions)
#   severity: high
#   stages: [staging]
#   effective_from_data: [fda, guidances, GMLP, effective_from]
package gate.controls.fda["gmlp-07"]

import data.gate.controls.fda.common
import data.gate.lib.result

control := result.control(rego.metadata.chain())

not_applicable_reason := common.device_reason

_test := object.get(common.fda, "clinical_test", {})

_criteria := object.get(_test, "acceptance_criteria", {})

_results := object.get(_test, "results", {})

_intervals := object.get(_test, ["ci", "intervals"], {})

_remediation := "test on independent data under the intended clinical conditions and report each pre-specified criterion's result with its confidence interval"

deny contains result.violation(rego.metadata.chain(), "the clinical test report is not recorded", "$.fda.clinical_test.uri", _remediation) if {
	not common.text(object.get(_test, "uri", null))
}

deny contains result.violation(rego.metadata.chain(), "the clinical test names no clinical conditions", "$.fda.clinical_test.conditions", _remediation) if {
	not common.nonempty_array(object.get(_test, "conditions", null))
}

deny contains result.violation(rego.metadata.chain(), "the clinical test has no pre-specified acceptance criteria", "$.fda.clinical_test.acceptance_criteria", _remediation) if {
	not common.nonempty_object(_criteria)
}

deny contains result.violation(rego.metadata.chain(), "the clinical test reports no subgroup results", "$.fda.clinical_test.subgroup_results", _remediation) if {
	not common.nonempty_array(object.get(_test, "subgroup_results", null))
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("%s is %v, which does not meet the criterion %s", [metric, object.get(_results, metric, "not reported"), common.describe(bound)]),
	sprintf("$.fda.clinical_test.results.%s", [metric]),
	"meet every pre-specified acceptance criterion before release; do not change the criteria after the test",
) if {
	some metric, bound in _criteria
	not common.meets(object.get(_results, metric, null), bound)
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("%s has no confidence interval", [metric]),
	sprintf("$.fda.clinical_test.ci.intervals.%s", [metric]),
	"report a confidence interval, with its level, for every metric that has an acceptance criterion",
) if {
	some metric, _ in _criteria
	not is_object(object.get(_intervals, metric, null))
}

deny contains result.violation(
	rego.metadata.chain(),
	"the confidence level of the intervals is not recorded",
	"$.fda.clinical_test.ci.level",
	"state the confidence level of the intervals (for example 0.95)",
) if {
	not is_number(object.get(_test, ["ci", "level"], null))
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the %v confidence interval of %s [%v, %v] is not inside the criterion %s", [object.get(_test, ["ci", "level"], "stated"), metric, object.get(ci, "lower", "?"), object.get(ci, "upper", "?"), common.describe(bound)]),
	sprintf("$.fda.clinical_test.ci.intervals.%s", [metric]),
	"test on a larger sample, or a better model, until the whole interval meets the criterion",
) if {
	common.settings.ci_lower_must_meet_criteria == true
	some metric, bound in _criteria
	ci := _intervals[metric]
	not _interval_inside(ci, bound)
}

_interval_inside(ci, bound) if {
	common.meets(ci.lower, bound)
	common.meets(ci.upper, bound)
}

warn contains result.violation(
	rego.metadata.chain(),
	sprintf("subgroup %s=%s has %s %v, below the criterion %s", [s.attribute, s.segment, metric, value, common.describe(_criteria[metric])]),
	sprintf("$.fda.clinical_test.subgroup_results[%d].metrics.%s", [i, metric]),
	"review the subgroup with the clinical lead and state the gap in the labeling",
) if {
	some i, s in object.get(_test, "subgroup_results", [])
	some metric, value in object.get(s, "metrics", {})
	_criteria[metric]
	not common.meets(value, _criteria[metric])
}
