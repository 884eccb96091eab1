package gate.lib.config_test

import data.gate.lib.config

_data := {"defaults": {"tiers": {"high": {"a": 1, "b": 2}}}, "fw": {"x": 1}}

test_success_defaults_and_framework_data if {
	s := config.settings with data.gate.config as _data
	s == {"tiers": {"high": {"a": 1, "b": 2}}, "fw": {"x": 1}}
}

test_success_override_merges_key_by_key if {
	s := config.settings with data.gate.config as _data
		with data.gate.overrides as {"tiers": {"high": {"b": 5}}, "fw": {"y": 2}}
	s == {"tiers": {"high": {"a": 1, "b": 5}}, "fw": {"x": 1, "y": 2}}
}

test_success_tier_follows_bundle if {
	t := config.tier with data.gate.config as _data
		with input as {"bundle": {"model": {"risk_tier": "high"}}}
	t == {"a": 1, "b": 2}
}

test_fail_unknown_tier_is_undefined if {
	not config.tier with data.gate.config as _data
		with input as {"bundle": {"model": {"risk_tier": "extreme"}}}
}
