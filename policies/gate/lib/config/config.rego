# METADATA
# title: Settings
# description: |
#   Thresholds and switches as data. Shared defaults live in gate/config/data.json
#   ({"defaults": {...}}); each framework keeps its own defaults in
#   gate/config/<framework>/data.json, reachable as settings.<framework>. An organisation
#   overrides any of them, without editing Rego, by loading a data file of the form
#   {"gate": {"overrides": {...}}} (mrm-gate check --data FILE). Objects are merged key
#   by key, so an override names only what it changes.
package gate.lib.config

default _overrides := {}

_overrides := data.gate.overrides

_framework_defaults := {name: value |
	some name, value in data.gate.config
	name != "defaults"
}

settings := object.union(object.union(data.gate.config.defaults, _framework_defaults), _overrides)

# tier returns the settings of the bundle's risk tier.
tier := settings.tiers[input.bundle.model.risk_tier]
