"""The monitoring report: `mrm-gate monitor --history --report-html` over several periods
of the German credit example, with the real OPA."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from click.testing import CliRunner, Result
from clock import NOW

from gate.cli import cli

# The monitoring scenarios of tests/monitor (German credit data, drifted and undrifted).
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "monitor"))
from monitor_support import build, drift  # noqa: E402


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("monitoring-report")
    credit = build()
    frames = {
        "base": credit.window(pd.concat([credit.train, credit.holdout]), "b"),
        "cur": credit.window(credit.holdout, "c"),
        "drift": credit.window(drift(credit), "d", override_share=0.12),
    }
    frames["out"] = credit.outcomes(frames["cur"])
    frames["dout"] = credit.outcomes(frames["drift"])
    paths = {name: d / f"{name}.csv" for name in frames}
    for name, frame in frames.items():
        frame.to_csv(paths[name], index=False)
    paths["bundle"] = d / "bundle.json"
    paths["bundle"].write_text(json.dumps(credit.bundle(frames["base"], credit.holdout)))
    return paths


def monitor(files: dict[str, Path], tmp: Path, period: str, current: str, outcomes: str) -> Result:
    start, end = period.split("/")
    args = [
        "monitor",
        "--bundle",
        str(files["bundle"]),
        "--baseline",
        str(files["base"]),
        "--current",
        str(files[current]),
        "--outcomes",
        str(files[outcomes]),
        "--output",
        str(tmp / f"monitored-{start}.json"),
        "--now",
        NOW,
        "--period-start",
        start,
        "--period-end",
        end,
        "--history",
        str(tmp / "history.jsonl"),
        "--report-html",
        str(tmp / "report.html"),
    ]
    return CliRunner().invoke(cli, args)


def _rows(html: str) -> list[list[str]]:
    rows = re.findall(r"<tr>(.*?)</tr>", html, flags=re.S)
    cell = r"<t[dh][^>]*>(.*?)</t[dh]>"
    return [[re.sub(r"<[^>]+>", "", c) for c in re.findall(cell, r)] for r in rows]


def test_report_covers_every_period_with_alerts_marked(
    files: dict[str, Path], tmp_path: Path
) -> None:
    first = monitor(files, tmp_path, "2026-10-01/2026-10-31", "cur", "out")
    assert first.exit_code == 0, first.output
    second = monitor(files, tmp_path, "2026-11-01/2026-11-30", "drift", "dout")
    assert second.exit_code == 1, second.output  # the drifted month alerts
    # October computed again replaces its line; it is not a third period.
    again = monitor(files, tmp_path, "2026-10-01/2026-10-31", "cur", "out")
    assert again.exit_code == 0, again.output

    history = [json.loads(x) for x in (tmp_path / "history.jsonl").read_text().splitlines()]
    assert [h["period"]["start"] for h in history] == ["2026-10-01", "2026-11-01"]
    html = (tmp_path / "report.html").read_text()
    assert "Monitoring report:" in html and "2 period(s)" in html
    periods = [r for r in _rows(html) if r and r[0].startswith("2026-1")]
    assert [r[0] for r in periods] == ["2026-10-01 to 2026-10-31", "2026-11-01 to 2026-11-30"]
    assert periods[0][2] == "OK" and periods[1][2] == "ALERT"
    drifted = history[1]["latest"]
    assert periods[1][3] == f"{drifted['psi_score']:g}"
    for control in ("MON-PSI-01", "MON-FAIR-01", "SR117-MON-02", "SR117-VAL-05"):
        assert control in periods[1][9]
    assert periods[0][9] == "-"
    assert '<p class="warning">1 period(s) alerted: 2026-11-01 to 2026-11-30' in html
    captions = re.findall(r"<figcaption>(.*?)</figcaption>", html)
    for title in (
        "Score PSI against the validation baseline",
        "Smallest adverse impact ratio of any group",
        "Back-test AUC against validation",
        "Override rate",
    ):
        assert title in captions, title
    # The PSI chart draws the plan's bands (amber 0.1, red 0.25 in the example's plan).
    figures = re.findall(r"<figure>(.*?)</figure>", html, flags=re.S)
    (psi,) = [f for f in figures if "<figcaption>Score PSI" in f]
    assert "amber 0.1" in psi and "red 0.25" in psi


def test_a_damaged_history_is_refused(files: dict[str, Path], tmp_path: Path) -> None:
    (tmp_path / "history.jsonl").write_text('{"period": 1}\nnot json\n')
    result = monitor(files, tmp_path, "2026-10-01/2026-10-31", "cur", "out")
    assert result.exit_code == 2, result.output
    assert "history.jsonl:1: not a monitoring history entry" in result.output
    assert not (tmp_path / "report.html").exists()


def test_history_entries_carry_the_decision(files: dict[str, Path], tmp_path: Path) -> Any:
    result = monitor(files, tmp_path, "2026-10-01/2026-10-31", "cur", "out")
    assert result.exit_code == 0, result.output
    (entry,) = [json.loads(x) for x in (tmp_path / "history.jsonl").read_text().splitlines()]
    monitored = json.loads((tmp_path / "monitored-2026-10-01.json").read_text())
    assert entry["latest"] == monitored["monitoring"]["latest"]
    assert entry["bundle_digest"].startswith("sha256:") and entry["outcome"] == "ok"
