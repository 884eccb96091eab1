"""Alerts become one GitHub issue per model and alert kind, never duplicated."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from github_server import GitHubServer, actions_env
from test_monitor import data, run  # noqa: F401  (the session fixture)

from gate.monitor.issues import marker

KINDS = {"fairness", "overrides", "performance", "stability"}


def _gate_issues(server: GitHubServer) -> dict[str, dict[str, Any]]:
    issues: dict[int, dict[str, Any]] = getattr(server, "issues", {})
    out = {}
    for item in issues.values():
        if item["login"] != server.me:
            continue
        for kind in KINDS:
            if marker("credit-pd-retail", kind) in item["body"]:
                assert kind not in out, f"duplicate {kind} issue"
                out[kind] = item
    return out


def test_alerts_open_then_update_one_issue_per_kind(
    data: dict[str, Any],  # noqa: F811
    tmp_path: Path,
) -> None:
    with GitHubServer.running() as server:
        env = actions_env(server, tmp_path, number=None, event_name="schedule")
        # Someone pasted the marker into their own issue: the gate must not take it over.
        foreign = server.add_issue(
            "copy", marker("credit-pd-retail", "stability") + "\nnot the gate's", "mallory"
        )
        first, _, _ = run(data, tmp_path, "--github", current="drift", outcomes="dout", env=env)
        assert first.exit_code == 1, first.output
        issues = _gate_issues(server)
        assert set(issues) == KINDS
        assert sum(1 for m, p in server.requests if m == "POST" and p.endswith("/issues")) == 4
        stability = issues["stability"]
        assert "score PSI" in stability["body"] and "MON-PSI-01" in stability["body"]
        assert "credit-pd-retail" in stability["title"]
        assert server.issues[foreign]["body"].endswith("not the gate's")  # type: ignore[attr-defined]

        # A person closes one; the next alerting run reopens and updates, creating nothing.
        issues["fairness"]["state"] = "closed"
        second, _, _ = run(data, tmp_path, "--github", current="drift", outcomes="dout", env=env)
        assert second.exit_code == 1, second.output
        again = _gate_issues(server)
        assert {k: v["number"] for k, v in again.items()} == {
            k: v["number"] for k, v in issues.items()
        }
        assert again["fairness"]["state"] == "open"
        assert sum(1 for m, p in server.requests if m == "POST" and p.endswith("/issues")) == 4
        assert sum(1 for m, p in server.requests if m == "PATCH" and "/issues/" in p) == 4
        assert "updated" in second.output

        summary = Path(env["GITHUB_STEP_SUMMARY"] or "").read_text("utf-8")
        assert summary.count("## mrm-gate monitor: credit-pd-retail: ALERT") == 2
        assert "| score PSI |" in summary and "| auc |" in summary
        assert "ghs_test_token" not in first.output + second.output + summary


def test_an_ok_run_opens_no_issue(data: dict[str, Any], tmp_path: Path) -> None:  # noqa: F811
    with GitHubServer.running() as server:
        env = actions_env(server, tmp_path, number=None, event_name="schedule")
        result, _, _ = run(data, tmp_path, "--github", env=env)
        assert result.exit_code == 0, result.output
        assert not any("/issues" in p for _, p in server.requests)
        summary = Path(env["GITHUB_STEP_SUMMARY"] or "").read_text("utf-8")
        assert "credit-pd-retail: ok" in summary


def test_github_failure_is_exit_3(data: dict[str, Any], tmp_path: Path) -> None:  # noqa: F811
    with GitHubServer.running() as server:
        env = actions_env(server, tmp_path, number=None, event_name="schedule")
        server.fail("POST", r"/issues$", status=500)
        result, out, _ = run(data, tmp_path, "--github", current="drift", outcomes="dout", env=env)
        assert result.exit_code == 3, result.output
        assert out.exists()  # the evidence was written before publishing
