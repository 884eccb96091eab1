# METADATA
# title: Adverse-action reasons are specific and complete
# description: |
#   Every adverse decision yields specific principal reasons drawn from the factors the
#   model actually scored: a documented method and reason-code catalogue, full coverage of
#   adverse decisions, no more reasons disclosed than the policy allows, and no generic
#   codes such as "internal standards" or "failed score".
# custom:
#   control_id: FL-AAN-01
#   framework: Fair lending / ECOA
#   section: Reg B 12 CFR 1002.9(a)(2), (b)(2); Supp. I comments 9(b)(2)-1, -2, -4
#   severity: high
#   stages: [merge, staging]
package gate.controls.fair_lending["aan-01"]

import data.gate.controls.fair_lending.common
import data.gate.lib.config
import data.gate.lib.result
import data.gate.lib.values

control := result.control(rego.metadata.chain())

_settings := config.settings.fair_lending

_aa := object.get(input.bundle, "adverse_action", {})

not_applicable_reason := common.adverse_action_reason

deny contains result.violation(
	rego.metadata.chain(),
	"the adverse-action section does not say whether adverse decisions are made",
	"$.adverse_action.applicable",
	"record adverse_action.applicable (true for a model that can decline or worsen terms)",
) if {
	not is_boolean(object.get(_aa, "applicable", null))
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("no %s for adverse-action reasons", [field]),
	sprintf("$.adverse_action.%s", [field]),
	"document how principal reasons are derived from the model and link the reason-code catalogue",
) if {
	some field in ["method", "reason_code_catalog_uri"]
	not values.text(object.get(_aa, field, null))
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("up to %v reasons are disclosed; disclose between 1 and %v", [_aa.max_reasons_disclosed, _settings.max_reasons_disclosed]),
	"$.adverse_action.max_reasons_disclosed",
	"disclose the principal reasons, at most the policy maximum",
) if {
	is_number(_aa.max_reasons_disclosed)
	not _within(_aa.max_reasons_disclosed, 1, _settings.max_reasons_disclosed)
}

_within(n, lo, hi) if {
	n >= lo
	n <= hi
}

deny contains result.violation(
	rego.metadata.chain(),
	"the number of reasons disclosed is not recorded",
	"$.adverse_action.max_reasons_disclosed",
	"record how many principal reasons a notice discloses",
) if {
	not is_number(object.get(_aa, "max_reasons_disclosed", null))
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("reason codes cover %v of adverse decisions; %v is required", [object.get(_aa, "coverage_rate", "none"), _settings.min_reason_coverage]),
	"$.adverse_action.coverage_rate",
	"make every adverse decision produce its principal reasons and record the coverage rate",
) if {
	not object.get(_aa, "coverage_rate", -1) >= _settings.min_reason_coverage
}

deny contains result.violation(
	rego.metadata.chain(),
	"generic reason codes (such as internal standards or failed score) are present or were not screened for",
	"$.adverse_action.banned_generic_codes_present",
	"replace generic codes with specific reasons and record banned_generic_codes_present false",
) if {
	object.get(_aa, "banned_generic_codes_present", true) != false
}
