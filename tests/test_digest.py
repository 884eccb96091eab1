"""The bundle digest: what an approver signs is the head commit and the evidence, never the
facts of the run that asks (docs/github.md); canonical and side-effect free."""

from __future__ import annotations

import copy

from conftest import load_asset
from gate.evidence import RUN_FACT_PATHS, bundle_digest

HEAD = "46955eda4c13726b609071049f8c56231f1565f5"
MERGE = "9b1c0f3e7d2a4c5b6a798897a6b5c4d3e2f10a1b"


def _set(bundle: dict, path: tuple[str, ...], value: object) -> None:
    node = bundle
    for key in path[:-1]:
        node = node.setdefault(key, {})
    node[path[-1]] = value


def test_run_facts_do_not_change_the_digest_and_bundle_is_untouched() -> None:
    bundle = load_asset("bundles", "credit-complete.json")
    before = bundle_digest(bundle, HEAD)
    changed = copy.deepcopy(bundle)
    for path in RUN_FACT_PATHS:
        _set(changed, path, "another run")
    snapshot = copy.deepcopy(changed)
    assert bundle_digest(changed, HEAD) == before
    assert changed == snapshot


def test_evidence_collected_at_the_merge_commit_keeps_the_pull_request_digest() -> None:
    """A push or deploy of the merge commit collects the same evidence at another commit:
    bound to the merged pull request's head, it is the digest its approvers signed."""
    bundle = load_asset("bundles", "credit-complete.json")
    merged = copy.deepcopy(bundle)
    for path in (
        ("collected", "git", "commit"),
        ("change", "commit_sha"),
        ("artifact", "commit_sha"),
        ("reproducibility", "git_commit"),
    ):
        _set(merged, path, MERGE)
    assert bundle_digest(merged, HEAD) == bundle_digest(bundle, HEAD)
    assert bundle_digest(merged) != bundle_digest(bundle, HEAD)  # no PR known: its own commit


def test_a_new_head_or_changed_evidence_changes_the_digest() -> None:
    bundle = load_asset("bundles", "credit-complete.json")
    before = bundle_digest(bundle, HEAD)
    assert bundle_digest(bundle, MERGE) != before
    bundle["model"]["version"] = "9.9.9"
    assert bundle_digest(bundle, HEAD) != before


def test_without_a_head_the_collected_commit_is_bound() -> None:
    bundle = load_asset("bundles", "credit-complete.json")
    before = bundle_digest(bundle)
    bundle["collected"]["git"]["commit"] = "0" * 40
    assert bundle_digest(bundle) != before


def test_key_order_does_not_matter() -> None:
    bundle = load_asset("bundles", "credit-complete.json")
    reordered = dict(reversed(list(bundle.items())))
    assert bundle_digest(reordered, HEAD) == bundle_digest(bundle, HEAD)


def test_a_reproduction_in_another_run_keeps_the_digest_but_not_another_artefact() -> None:
    """Every run of a high-tier model's workflow re-trains it (GATE-REP-01) and stamps its
    own time; the approvers judged that it reproduces, so only what it reproduced counts."""
    bundle = load_asset("bundles", "credit-complete.json")
    before = bundle_digest(bundle, HEAD)
    again = copy.deepcopy(bundle)
    _set(again, ("reproducibility", "reproduced_at"), "2026-11-30T12:00:01Z")
    assert bundle_digest(again, HEAD) == before
    _set(again, ("reproducibility", "reproduced_artifact_sha256"), "f" * 64)
    assert bundle_digest(again, HEAD) != before
