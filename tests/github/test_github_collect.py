"""The collector against the local server: shapes, pagination, events, deploy context."""

from __future__ import annotations

from pathlib import Path

import pytest
from github_server import (
    FIRST,
    HEAD,
    PR,
    GitHubServer,
    actions_env,
    standard_pull,
    team_of,
    write_config,
)

from gate.errors import UsageError
from gate.github.client import GitHubSettings, RoleTeams
from gate.github.collect import collector_from_env

DIGEST = "sha256:" + "ab" * 32


def collect(
    monkeypatch: pytest.MonkeyPatch, server: GitHubServer, tmp_path: Path, **kwargs: object
) -> tuple[dict[str, object] | None, list[dict[str, object]]]:
    for key, value in actions_env(server, tmp_path, **kwargs).items():  # type: ignore[arg-type]
        if value is None:
            monkeypatch.delenv(key, raising=False)
        else:
            monkeypatch.setenv(key, value)
    return collector_from_env(write_config(tmp_path))(DIGEST)


def test_success_pull_request_context_and_approval_shapes(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    with GitHubServer.running(page_size=2) as gh:
        standard_pull(gh)
        gh.push(PR, "e" * 40, "", "web-flow")
        for i in range(5):
            gh.comment(PR, "someone-else", f"note {i}")
        gh.comment(PR, "vera-validator", f"/approve validator {'ab' * 32}")
        gh.review(PR, "victor-validator", commit_id="e" * 40, body=f"ok {DIGEST}")
        gh.review(PR, "victor-validator", state="COMMENTED")
        context, approvals = collect(monkeypatch, gh, tmp_path, sha="e" * 40)
    assert context == {
        "number": PR,
        "author": "dana-dev",
        "head_sha": "e" * 40,
        "base_ref": "main",
        "state": "open",
        "merged": False,
        "merge_commit_sha": "",
        "commits": [
            {"sha": FIRST, "author": "dana-dev", "committer": "dana-dev", "co_authors": []},
            {"sha": HEAD, "author": "lee-dev", "committer": "carl-committer", "co_authors": []},
            {"sha": "e" * 40, "author": "", "committer": "web-flow", "co_authors": []},
        ],
        "unmapped_commits": ["e" * 40],
    }
    by_login = {a["login"]: a for a in approvals}
    assert set(by_login) == {"vera-validator", "victor-validator"}
    vera = by_login["vera-validator"]
    assert vera["via"] == "comment" and vera["bundle_digest"] == DIGEST
    assert vera["verified"] is True and vera["team"] == team_of("validator")
    assert vera["commit_sha"] == "" and str(vera["url"]).startswith("https://github.test/")
    victor = by_login["victor-validator"]
    assert victor["via"] == "review" and victor["commit_sha"] == "e" * 40
    assert victor["role"] == "validator"


def test_success_review_counts_for_every_role_of_the_reviewer(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    with GitHubServer.running() as gh:
        standard_pull(gh)
        gh.add_member(team_of("legal"), "vera-validator")
        gh.review(PR, "vera-validator")
        gh.review(PR, "nick-nonmember")
        _, approvals = collect(monkeypatch, gh, tmp_path)
    assert sorted((a["login"], a["role"]) for a in approvals) == [
        ("vera-validator", "legal"),
        ("vera-validator", "validator"),
    ]


def test_success_issue_comment_event_finds_the_pull_request(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    with GitHubServer.running() as gh:
        standard_pull(gh)
        context, _ = collect(
            monkeypatch, gh, tmp_path, comment_event=True, event_name="issue_comment"
        )
    assert context is not None and context["number"] == PR


def test_success_deploy_uses_the_pull_request_that_introduced_the_commit(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    merge_sha = "f" * 40
    with GitHubServer.running() as gh:
        standard_pull(gh)
        gh.merge(PR, merge_sha)
        gh.comment(PR, "vera-validator", f"/approve validator {'ab' * 32}")
        context, approvals = collect(
            monkeypatch, gh, tmp_path, number=None, sha=merge_sha, event_name="deployment"
        )
        assert ("GET", f"/repos/acme-bank/credit-pd-retail/commits/{merge_sha}/pulls") in (
            gh.requests
        )
    assert context is not None and context["number"] == PR and context["head_sha"] == HEAD
    assert [a["login"] for a in approvals] == ["vera-validator"]


def test_fail_deploy_of_a_commit_no_pull_request_introduced(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    with GitHubServer.running() as gh:
        standard_pull(gh)
        assert collect(monkeypatch, gh, tmp_path, number=None, sha="9" * 40, event_name="push") == (
            None,
            [],
        )


def test_fail_missing_token_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="GITHUB_TOKEN"):
        GitHubSettings.from_env({"GITHUB_REPOSITORY": "a/b"})


def test_fail_bad_role_mapping_is_a_usage_error(tmp_path: Path) -> None:
    path = tmp_path / "c.yml"
    path.write_text("roles:\n  validator: just-a-team\n", "utf-8")
    with pytest.raises(UsageError, match="org/team-slug"):
        RoleTeams.load(path)


def test_success_settings_never_show_the_token() -> None:
    settings = GitHubSettings.from_env(
        {"GITHUB_TOKEN": "ghs_visible_NOT", "GITHUB_REPOSITORY": "a/b"}
    )
    assert "ghs_visible_NOT" not in repr(settings)
    assert settings.scrub("x ghs_visible_NOT y") == "x *** y"


WAIVERS = "acme-bank/model-risk-waivers"


def _collect_with_waiver_team(
    monkeypatch: pytest.MonkeyPatch, gh: GitHubServer, tmp_path: Path, waiver_team: bool
) -> list[dict[str, object]]:
    config = write_config(tmp_path)
    if waiver_team:
        config.write_text(config.read_text("utf-8") + f"  waiver: {WAIVERS}\n", "utf-8")
    for key, value in actions_env(gh, tmp_path).items():
        if value is None:
            monkeypatch.delenv(key, raising=False)
        else:
            monkeypatch.setenv(key, value)
    return collector_from_env(config)(DIGEST)[1]


def test_success_waiver_roles_use_the_waiver_team(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    with GitHubServer.running() as gh:
        standard_pull(gh)
        gh.add_member(WAIVERS, "wanda-waivers")
        prefix = "ab" * 32
        gh.comment(PR, "wanda-waivers", f"/approve waiver:SR117-VAL-05 {prefix}")
        gh.comment(PR, "nick-nonmember", f"/approve waiver:MON-PSI-01 {prefix}")
        gh.comment(PR, "wanda-waivers", f"/approve waiver: {prefix}")  # names no control
        # A review by a waiver approver waives nothing: waivers go one control at a time.
        gh.review(PR, "wanda-waivers")
        approvals = _collect_with_waiver_team(monkeypatch, gh, tmp_path, waiver_team=True)
    assert sorted((a["login"], a["role"], a["team"], a["verified"]) for a in approvals) == [
        ("nick-nonmember", "waiver:MON-PSI-01", WAIVERS, False),
        ("wanda-waivers", "waiver:", "", False),
        ("wanda-waivers", "waiver:SR117-VAL-05", WAIVERS, True),
    ]


def test_fail_waiver_roles_without_a_waiver_team_are_unverified(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    with GitHubServer.running() as gh:
        standard_pull(gh)
        gh.add_member(WAIVERS, "wanda-waivers")
        gh.comment(PR, "wanda-waivers", f"/approve waiver:SR117-VAL-05 {'ab' * 32}")
        approvals = _collect_with_waiver_team(monkeypatch, gh, tmp_path, waiver_team=False)
    assert [(a["role"], a["team"], a["verified"]) for a in approvals] == [
        ("waiver:SR117-VAL-05", "", False)
    ]
