"""Mutation tests over the REAL credit-scorecard bundle: the example is trained and
collected once, then each mutation breaks one piece of evidence. Each must be denied by
the expected controls and only those: the violations the mutation adds to the unmutated
bundle's decision at the same stage all belong to the expected control ids.

(The unmutated bundle is already denied for platform-only evidence, see
test_credit_scorecard.py, so "newly failing" is measured on violations, not on control
status: a control that already fails for another reason still has to report the new
problem.)"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from example_repo import check, collect, make_repo, reproduce

EXAMPLE = "examples/credit-scorecard"
Bundle = dict[str, Any]


@pytest.fixture(scope="module")
def reproduced(tmp_path_factory: pytest.TempPathFactory) -> Bundle:
    """The collected credit bundle, with a successful `mrm-gate reproduce` on record."""
    repo = make_repo(tmp_path_factory.mktemp("mutations-repo"), EXAMPLE)
    out = tmp_path_factory.mktemp("mutations-bundle")
    res = collect(repo, EXAMPLE, out / "bundle.json")
    assert res.exit_code == 0, res.output
    res = reproduce(out / "bundle.json", repo, out / "reproduced.json")
    assert res.exit_code == 0, res.output
    bundle: Bundle = json.loads((out / "reproduced.json").read_text())
    return bundle


def _remove_population(b: Bundle) -> None:
    for ds in b["data"]["datasets"]:
        del ds["population_statement"]


def _drop_segment_metrics(b: Bundle) -> None:
    segments = b["validation"]["metrics"]["segments"]
    b["validation"]["metrics"]["segments"] = [
        s for s in segments if (s["attribute"], s["segment"]) != ("age_band", "62+")
    ]


def _stale_validation(b: Bundle) -> None:
    # High tier: revalidation every 12 months. Validated two years before NOW.
    b["validation"]["completed_at"] = "2024-11-20T16:00:00Z"
    b["inventory"]["last_validation_date"] = "2024-11-20"
    b["inventory"]["next_validation_due"] = "2025-11-20"


def _artefact_changed(b: Bundle) -> None:
    # The validator's record names the artefact it scored; a retrained or edited model
    # after validation has another digest.
    b["validation"]["artifact_digest"] = "sha256:" + "0" * 64


def _validator_develops(b: Bundle) -> None:
    b["inventory"]["developer_ids"].append(b["validation"]["validator_ids"][0])


def _psi_red(b: Bundle) -> None:
    b["monitoring"]["latest"]["psi_score"] = 0.31


def _air_under(b: Bundle) -> None:
    b["fairness"]["air"]["age_band:18-24"] = 0.72
    b["fairness"]["min_air"] = 0.72


MUTATIONS: list[tuple[str, Callable[[Bundle], None], str, set[str]]] = [
    ("remove the population statement", _remove_population, "merge", {"SR117-DEV-02"}),
    ("drop a segment's metrics", _drop_segment_metrics, "staging", {"SR117-VAL-03"}),
    (
        "validation older than the tier's interval",
        _stale_validation,
        "production",
        {"SR117-VAL-08"},
    ),
    # The validated-artefact binding is read by four controls, one per regime: validated
    # before production (SR 11-7), material change validated, promoted artefact is the
    # validated one (implementation), deployed artefact is the validated one (SOC 2).
    (
        "artefact changed after validation",
        _artefact_changed,
        "production",
        {"SR117-VAL-01", "SR117-VAL-07", "SR117-IMP-01", "SOC2-CM-05"},
    ),
    ("a validator is also a developer", _validator_develops, "production", {"SR117-VAL-02"}),
    ("PSI over the red band", _psi_red, "staging", {"MON-PSI-01"}),
    ("adverse impact ratio under 0.80", _air_under, "staging", {"FL-DI-01"}),
]


def _violations(decision: dict[str, Any]) -> set[tuple[str, str, str]]:
    return {(v["control_id"], v["evidence_path"], v["msg"]) for v in decision["violations"]}


@pytest.mark.parametrize(
    ("mutate", "stage", "expected"),
    [m[1:] for m in MUTATIONS],
    ids=[m[0] for m in MUTATIONS],
)
def test_mutation_is_denied_by_exactly_the_expected_controls(
    reproduced: Bundle,
    tmp_path: Path,
    mutate: Callable[[Bundle], None],
    stage: str,
    expected: set[str],
) -> None:
    base_path, mutated_path = tmp_path / "base.json", tmp_path / "mutated.json"
    base_path.write_text(json.dumps(reproduced))
    mutated = copy.deepcopy(reproduced)
    mutate(mutated)
    mutated_path.write_text(json.dumps(mutated))

    _, base = check(base_path, stage)
    code, decision = check(mutated_path, stage)
    assert (code, decision["allow"]) == (1, False)
    new = _violations(decision) - _violations(base)
    assert {cid for cid, _, _ in new} == expected, "\n".join(map(str, sorted(new)))
    # Nothing the mutation did not touch starts failing or stops failing elsewhere.
    status = {c["id"]: c["status"] for c in decision["controls"]}
    base_status = {c["id"]: c["status"] for c in base["controls"]}
    changed = {cid for cid in status if status[cid] != base_status.get(cid)}
    assert changed <= expected
    assert all(status[cid] == "fail" for cid in expected)
