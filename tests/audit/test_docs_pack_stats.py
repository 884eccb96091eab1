"""The pack's statistics against values computed by hand or published, never by the code."""

from __future__ import annotations

import numpy as np
import pytest

from gate.audit.docs_pack import stats


@pytest.mark.parametrize(
    ("events", "n", "lower", "upper"),
    [
        # Newcombe (1998), Statistics in Medicine 17:857, Table I, method 3 (Wilson score).
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],
)
def test_wilson_matches_newcombes_table(events: int, n: int, lower: float, upper: float) -> None:
    ci = stats.wilson(events, n)
    assert ci.estimate == pytest.approx(events / n)
    assert ci.lower == pytest.approx(lower, abs=1e-4)
    assert ci.upper == pytest.approx(upper, abs=1e-4)


def test_wilson_refuses_impossible_counts() -> None:
    with pytest.raises(ValueError, match="events"):
        stats.wilson(5, 3)
    with pytest.raises(ValueError):
        stats.wilson(0, 0)


def test_delong_on_a_sample_worked_by_hand() -> None:
    # 3 events and 4 non-events. Placements: each event beats 4, 4 and 3 non-events, so the
    # AUC is 11/12; V10 = (1, 1, .75), V01 = (2/3, 1, 1, 1); var = .020833/3 + .083333/4 / 3.
    scores = np.array([0.9, 0.8, 0.4, 0.7, 0.3, 0.2, 0.1])
    labels = np.array([1, 1, 1, 0, 0, 0, 0])
    ci = stats.delong(scores, labels)
    assert ci.estimate == pytest.approx(11 / 12)
    se = (0.0208333 / 3 + 0.0277778 / 4) ** 0.5
    assert se == pytest.approx(0.117851, abs=1e-5)
    assert ci.lower == pytest.approx(11 / 12 - 1.959964 * 0.117851, abs=1e-5)
    assert ci.upper == 1.0  # capped


def test_delong_counts_ties_as_half() -> None:
    # Pairs: (.5,.5) half, (.5,.1) one, (.6,.5) one, (.6,.1) one: 3.5 of 4.
    ci = stats.delong(np.array([0.5, 0.6, 0.5, 0.1]), np.array([1, 1, 0, 0]))
    assert ci.estimate == pytest.approx(0.875)


def test_delong_refuses_a_sample_without_two_of_each_class() -> None:
    with pytest.raises(ValueError, match="two events"):
        stats.delong(np.array([0.2, 0.4, 0.6]), np.array([1, 0, 0]))


def test_small_segments_are_flagged_by_size_and_by_events() -> None:
    assert stats.small(11)
    assert not stats.small(5000)
    assert stats.small(5000, events=4)
    assert stats.small(5000, events=4996)
    assert not stats.small(5000, events=400)


def test_deciles_split_by_score_and_report_observed_rates() -> None:
    scores = np.arange(1, 101) / 100.0
    labels = (scores > 0.9).astype(int)  # only the top tenth are events
    rows = stats.deciles(scores, labels)
    assert [int(r["n"]) for r in rows] == [10] * 10
    assert [r["observed"] for r in rows] == [0.0] * 9 + [1.0]
    assert rows[0]["predicted"] == pytest.approx(0.055)
    assert rows[9]["lower"] == pytest.approx(0.7225, abs=1e-4)  # Wilson 10 of 10
