# METADATA
# title: No prohibited-basis inputs; age used only in a sound system
# description: |
#   The model does not take race, colour, religion, national origin, sex or marital status
#   (or a feature flagged protected) as an input. Age may be used only by an empirically
#   derived, demonstrably and statistically sound system that never gives applicants aged
#   62 or over a less favourable value, attested by the validators.
# custom:
#   control_id: FL-PB-01
#   framework: Fair lending / ECOA
#   section: ECOA 15 U.S.C. 1691(a); Reg B 12 CFR 1002.6(b) incl. (b)(2); 1002.2(p)
#   severity: critical
#   stages: [merge]
package gate.controls.fair_lending["pb-01"]

import data.gate.controls.fair_lending.common
import data.gate.lib.config
import data.gate.lib.result

control := result.control(rego.metadata.chain())

_settings := config.settings.fair_lending

_fairness := object.get(input.bundle, "fairness", {})

_features := object.get(input.bundle, ["model", "features"], [])

not_applicable_reason := common.testing_reason

_is_age(name) if lower(name) in _settings.age_feature_names

deny contains result.violation(
	rego.metadata.chain(),
	"the model's input features are not listed",
	"$.model.features",
	"list every model input with its name and whether it is a protected attribute",
) if {
	count(_features) == 0
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("feature %s is a prohibited basis (or flagged protected) and must not be a model input", [f.name]),
	"$.model.features",
	"remove the feature from the model and retrain",
) if {
	some f in _features
	not _is_age(f.name)
	_prohibited(f)
}

_prohibited(f) if lower(f.name) in _settings.prohibited_bases

_prohibited(f) if f.protected == true

deny contains result.violation(
	rego.metadata.chain(),
	"the prohibited-feature screen was not recorded",
	"$.fairness.prohibited_features_in_model",
	"run the prohibited-basis screen over the model inputs and record its findings (an empty list when clean)",
) if {
	not is_array(object.get(_fairness, "prohibited_features_in_model", null))
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("the prohibited-feature screen found %s among the model inputs", [concat(", ", found)]),
	"$.fairness.prohibited_features_in_model",
	"remove the prohibited features from the model and retrain",
) if {
	found := object.get(_fairness, "prohibited_features_in_model", [])
	count(found) > 0
}

_age_used := object.get(_fairness, ["age_usage", "used"], null)

_age_is_input if {
	some f in _features
	_is_age(f.name)
}

deny contains result.violation(
	rego.metadata.chain(),
	"whether applicant age is used is not recorded",
	"$.fairness.age_usage.used",
	"state whether age is a model input",
) if {
	not is_boolean(_age_used)
}

deny contains result.violation(
	rego.metadata.chain(),
	"an age feature is a model input but fairness.age_usage.used is false",
	"$.fairness.age_usage.used",
	"correct the age usage record",
) if {
	_age_used == false
	_age_is_input
}

_age_in_use if _age_used == true

_age_in_use if _age_is_input

deny contains result.violation(
	rego.metadata.chain(),
	"age is used but it is not shown that applicants aged 62 or over never get a less favourable value",
	"$.fairness.age_usage.elderly_negative_weight",
	"show that age never lowers the value given to applicants aged 62+ and record elderly_negative_weight false",
) if {
	_age_in_use
	object.get(_fairness, ["age_usage", "elderly_negative_weight"], true) != false
}

deny contains result.violation(
	rego.metadata.chain(),
	"age is used but no empirically derived, demonstrably and statistically sound (EDDSA) attestation is recorded",
	"$.validation.edds_attestation.attested",
	"have the validators attest that the system is empirically derived and statistically sound",
) if {
	_age_in_use
	object.get(input.bundle, ["validation", "edds_attestation", "attested"], false) != true
}
