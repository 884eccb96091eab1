# METADATA
# title: Dated high-risk classification record, signed off by legal
# description: |
#   A dated classification record states whether the system is an Annex III high-risk
#   system and why. Claiming the Art 6(3) derogation needs the assessment and a system
#   that does no profiling; claiming the financial-fraud exclusion of Annex III 5(b)
#   needs a fraud-detection model and a written justification. Legal signs the record.
# custom:
#   control_id: EUAIA-CLS-01
#   framework: EU AI Act
#   section: Art 6(2)-(4), Annex III 5(b)/(c); Art 49(2)
#   severity: high
#   stages: [merge]
#   effective_from_data: [eu_ai_act, application_dates, general]
package gate.controls.eu_ai_act["cls-01"]

import data.gate.controls.eu_ai_act.common
import data.gate.lib.dates
import data.gate.lib.result
import data.gate.lib.values

control := result.control(rego.metadata.chain())

_cls := common.classification

# A record that relies on the fraud exclusion must be justified even when the team
# marked the regime as not applicable.
_claims_fraud_exclusion if _cls.fraud_exception_claimed == true

not_applicable_reason := common.out_of_scope_reason if {
	not common.in_scope
	not _claims_fraud_exclusion
}

_derogation_claimed if {
	_cls.high_risk == false
	not _claims_fraud_exclusion
	_cls.annex_iii_point != "none"
}

deny contains result.violation(
	rego.metadata.chain(),
	"the classification record names no Annex III point (use 'none' when no point applies)",
	"$.eu_ai_act.classification.annex_iii_point",
	"record the Annex III point relied on, for example 5(b) or 5(c), or 'none'",
) if {
	not values.text(object.get(_cls, "annex_iii_point", null))
}

deny contains result.violation(
	rego.metadata.chain(),
	"the classification record does not state whether the system is high-risk",
	"$.eu_ai_act.classification.high_risk",
	"set classification.high_risk to true or false",
) if {
	not is_boolean(object.get(_cls, "high_risk", null))
}

deny contains result.violation(
	rego.metadata.chain(),
	"the classification record gives no reasoning",
	"$.eu_ai_act.classification.rationale",
	"write down why the system is or is not high-risk under Art 6 and Annex III",
) if {
	not values.text(object.get(_cls, "rationale", null))
}

deny contains result.violation(
	rego.metadata.chain(),
	"the classification record is not dated",
	"$.eu_ai_act.classification.decided_at",
	"record when the classification was decided as an RFC 3339 time",
) if {
	not dates.is_time(object.get(_cls, "decided_at", null))
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the classification is dated %s, after the gate's evaluation time", [_cls.decided_at]),
	"$.eu_ai_act.classification.decided_at",
	"record the date the classification was actually decided",
) if {
	dates.is_time(_cls.decided_at)
	not dates.in_past(object.get(_cls, "decided_at", null))
}

deny contains result.violation(
	rego.metadata.chain(),
	"the Art 6(3) derogation is claimed without the written assessment",
	"$.eu_ai_act.classification.art_6_3_assessment_uri",
	"document the Art 6(3) assessment and link it, or classify the system as high-risk",
) if {
	_derogation_claimed
	not values.text(object.get(_cls, "art_6_3_assessment_uri", null))
}

deny contains result.violation(
	rego.metadata.chain(),
	"the Art 6(3) derogation is claimed but the record does not say whether the system profiles natural persons",
	"$.eu_ai_act.classification.profiling",
	"set classification.profiling; a system that profiles natural persons is always high-risk",
) if {
	_derogation_claimed
	not is_boolean(object.get(_cls, "profiling", null))
}

deny contains result.violation(
	rego.metadata.chain(),
	"the Art 6(3) derogation is claimed for a system that profiles natural persons",
	"$.eu_ai_act.classification.high_risk",
	"classify the system as high-risk: the derogation never covers profiling",
) if {
	_derogation_claimed
	_cls.profiling == true
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the financial-fraud exclusion is claimed for a %v model", [object.get(input.bundle, ["model", "use_case"], "missing")]),
	"$.eu_ai_act.classification.fraud_exception_claimed",
	"only a model used solely to detect financial fraud may claim the exclusion; classify this one under Annex III",
) if {
	_claims_fraud_exclusion
	not object.get(input.bundle, ["model", "use_case"], "") in common.settings.fraud_use_cases
}

deny contains result.violation(
	rego.metadata.chain(),
	"the financial-fraud exclusion is claimed without a justification",
	"$.eu_ai_act.classification.fraud_exception_rationale",
	"explain why the system only detects financial fraud and does not assess creditworthiness",
) if {
	_claims_fraud_exclusion
	not values.text(object.get(_cls, "fraud_exception_rationale", null))
}

deny contains result.violation(
	rego.metadata.chain(),
	"the financial-fraud exclusion is claimed, yet the system is classified as high-risk",
	"$.eu_ai_act.classification.high_risk",
	"either drop the exclusion or classify the system as not high-risk",
) if {
	_claims_fraud_exclusion
	_cls.high_risk == true
}

required_approvals contains result.approval_requirement(
	rego.metadata.chain(),
	"legal",
	common.settings.approvers.legal,
	"legal signs the EU AI Act high-risk classification",
)
