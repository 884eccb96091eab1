"""The bundle digest: canonical, blind to volatile facts only, and side-effect free."""

from __future__ import annotations

import copy

from conftest import load_asset
from gate.evidence import VOLATILE_PATHS, bundle_digest


def test_volatile_facts_do_not_change_the_digest_and_bundle_is_untouched() -> None:
    bundle = load_asset("bundles", "credit-complete.json")
    before = bundle_digest(bundle)
    changed = copy.deepcopy(bundle)
    for path in VOLATILE_PATHS:
        node = changed
        for key in path[:-1]:
            node = node.setdefault(key, {})
        node[path[-1]] = "another run"
    snapshot = copy.deepcopy(changed)
    assert bundle_digest(changed) == before
    assert changed == snapshot


def test_any_other_change_changes_the_digest() -> None:
    bundle = load_asset("bundles", "credit-complete.json")
    before = bundle_digest(bundle)
    bundle["collected"]["git"]["commit"] = "0" * 40
    assert bundle_digest(bundle) != before


def test_key_order_does_not_matter() -> None:
    bundle = load_asset("bundles", "credit-complete.json")
    reordered = dict(reversed(list(bundle.items())))
    assert bundle_digest(reordered) == bundle_digest(bundle)
