# METADATA
# title: Regulatory applicability is declared, never inferred from absence
# description: |
#   Controls of the EU AI Act, FDA and adverse-action groups switch off when their
#   applicability flag is not true. So that a missing section cannot switch a regime
#   off silently, the flags the model's own facts make relevant must be declared as
#   true or false: eu_ai_act.applicable for a model used in an EU or EEA jurisdiction,
#   fda.device_function for a clinical model, adverse_action.applicable for a credit
#   model, and model.is_vendor for every model.
# custom:
#   control_id: GATE-APPL-01
#   framework: mrm-gate
#   section: "Gate convention: applicability switches of the control catalogue; SR 11-7 §VI / SR 26-2 §VI inventory scope; EU AI Act Art 6; FDA device software functions; Reg B §1002.9"
#   severity: high
#   stages: [merge]
#   effective_from_data: [mrm_gate, controls_effective_from]
package gate.controls.mrm_gate["appl-01"]

import data.gate.lib.config
import data.gate.lib.result

control := result.control(rego.metadata.chain())

_settings := config.settings.mrm_gate

_model := object.get(input.bundle, "model", {})

_flag(path) := object.get(input.bundle, path, null)

_in_eu if {
	some j in object.get(_model, "jurisdictions", [])
	upper(j) in _settings.eu_jurisdictions
}

# Each switch: why it is relevant, where it lives, and whether it is relevant here.
_switches contains {
	"why": "the model is used in an EU or EEA jurisdiction",
	"path": ["eu_ai_act", "applicable"],
	"fix": "record the EU AI Act classification: set eu_ai_act.applicable and the classification record",
} if {
	_in_eu
}

_switches contains {
	"why": "the model is a clinical model",
	"path": ["fda", "device_function"],
	"fix": "state whether the model is a device software function (fda.device_function)",
} if {
	object.get(_model, "use_case", "") in _settings.fda_use_cases
}

_switches contains {
	"why": "the model makes credit decisions",
	"path": ["adverse_action", "applicable"],
	"fix": "state whether the model's decisions produce adverse-action notices (adverse_action.applicable)",
} if {
	object.get(_model, "use_case", "") in _settings.adverse_action_use_cases
}

_switches contains {
	"why": "every model is either built in-house or bought",
	"path": ["model", "is_vendor"],
	"fix": "set model.is_vendor to true or false",
}

deny contains result.violation(
	rego.metadata.chain(),
	sprintf("%s is not declared (true or false) although %s", [concat(".", s.path), s.why]),
	sprintf("$.%s", [concat(".", s.path)]),
	s.fix,
) if {
	some s in _switches
	not is_boolean(_flag(s.path))
}
