"""`mrm-gate collect --github`: platform facts read from git, the CI environment and the
GitHub API (the project's local REST server on 127.0.0.1, reached through PyGithub), never
from a file in the repository."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from collect_support import clean_env, collect, git, make_repo
from github_server import GitHubServer

from gate.collect.platform import conclusion_of, protection_from_api, summarise_checks
from gate.evidence import VOLATILE_PATHS, bundle_digest

TOKEN = "ghs_platformSecretToken0123456789"
REPOSITORY = "acme-bank/credit-pd-retail"
PR = 7
CHECKS = ["unit-tests", "data-contract", "model-evaluation"]


@pytest.fixture
def server() -> Iterator[GitHubServer]:
    with GitHubServer.running(token=TOKEN) as srv:
        yield srv


@pytest.fixture
def change(tmp_path: Path) -> tuple[Path, str, str]:
    """The asset repository on ``main`` and a feature branch with two more commits (the
    first made on 2026-06-10, the second by a co-author); returns (repo, first, head)."""
    repo = make_repo(tmp_path)
    git(repo, "checkout", "-q", "-b", "feature")
    notes = repo / "docs" / "notes.md"
    notes.write_text("Recalibration notes.\n", "utf-8")
    git(repo, "add", "-A")
    when = "2026-06-10T08:30:00Z"
    git(repo, "commit", "-q", "-m", "notes", GIT_AUTHOR_DATE=when, GIT_COMMITTER_DATE=when)
    first = git(repo, "rev-parse", "HEAD")
    notes.write_text("Recalibration notes, reviewed.\n", "utf-8")
    later = "2026-06-12T16:00:00Z"
    git(
        repo,
        "commit",
        "-qam",
        "review notes",
        GIT_AUTHOR_NAME="Lee Developer",
        GIT_AUTHOR_EMAIL="lee@example.com",
        GIT_AUTHOR_DATE=later,
        GIT_COMMITTER_DATE=later,
    )
    return repo, first, git(repo, "rev-parse", "HEAD")


def seed(server: GitHubServer, first: str, head: str) -> None:
    """The pull request, the protected base branch and successful required checks."""
    server.open_pull(
        PR, "dana-dev", [(first, "dana-dev", "dana-dev"), (head, "lee-dev", "carl-committer")]
    )
    server.protect("main", required_reviews=2, checks=[*CHECKS, "mrm-gate"])
    server.require_workflow("main")
    server.add_check(head, "unit-tests", "failure")  # an earlier attempt, re-run below
    for name in CHECKS:
        server.add_check(head, name)
    server.add_check(head, "lint", "neutral")  # not required, still recorded
    server.add_check(head, "mrm-gate/merge", "failure")  # the gate's own: never a test


def ci_env(
    server: GitHubServer, tmp_path: Path, head: str, *, run_id: str = "4242", **extra: str
) -> dict[str, str | None]:
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {"number": PR, "head": {"sha": head}}}))
    values = {
        "GITHUB_ACTIONS": "true",
        "GITHUB_TOKEN": server.token,
        "GITHUB_API_URL": server.url,
        "GITHUB_SERVER_URL": "https://github.test",
        "GITHUB_REPOSITORY": REPOSITORY,
        "GITHUB_EVENT_NAME": "pull_request",
        "GITHUB_EVENT_PATH": str(event),
        "GITHUB_BASE_REF": "main",
        "GITHUB_SHA": head,
        "GITHUB_RUN_ID": run_id,
        "GITHUB_RUN_ATTEMPT": "1",
        "MRM_GATE_GITHUB_PACING": "0",
    }
    values.update(extra)
    return clean_env(**values)


def run(repo: Path, env: dict[str, str | None], out: Path) -> Result:
    return collect(repo, "--github", "--output", str(out), env=env)


def no_token(result: Result) -> None:
    assert TOKEN not in result.output
    assert TOKEN not in (result.stderr or "")
    assert TOKEN not in repr(result.exception)


def test_collects_ci_git_and_github_facts(
    server: GitHubServer, change: tuple[Path, str, str], tmp_path: Path
) -> None:
    repo, first, head = change
    seed(server, first, head)
    out = tmp_path / "bundle.json"
    result = run(repo, ci_env(server, tmp_path, head), out)
    assert result.exit_code == 0, result.output
    no_token(result)
    bundle = json.loads(out.read_text())
    assert bundle["security"]["branch_protection"] == {
        "required_reviews": 2,
        "dismiss_stale": True,
        "require_code_owner_reviews": False,
        "enforce_admins": True,
        "required_status_checks": sorted([*CHECKS, "mrm-gate"]),
        "required_status_check_apps": [
            {"context": "data-contract", "app_id": 15368},
            {"context": "model-evaluation", "app_id": 15368},
            {"context": "mrm-gate", "app_id": 15368},
            {"context": "unit-tests", "app_id": 15368},
        ],
        "required_workflows": [
            {
                "path": ".github/workflows/pr-gate.yml",
                "repository_id": 1,
                "ref": "refs/heads/main",
                "sha": "",
                "bypass_allowed": False,
            }
        ],
    }
    c = bundle["change"]
    assert c["ci_run_id"] == "4242"
    assert c["ci_commit_sha"] == head
    assert c["commit_sha"] == head
    assert c["first_commit_at"] == "2026-06-10T08:30:00Z"
    assert c["author_ids"] == ["carl-committer", "dana-dev", "lee-dev"]
    assert c["required_checks"] == [
        {"name": "data-contract", "conclusion": "success"},
        {"name": "lint", "conclusion": "neutral"},
        {"name": "model-evaluation", "conclusion": "success"},
        {"name": "unit-tests", "conclusion": "success"},
    ]
    assert c["tests_passed"] is True
    assert c["id"] == "CHG-2026-0611"  # the declared record is kept
    reads = {p for _, p in server.requests}
    assert f"/repos/{REPOSITORY}/branches/main/protection" in reads
    assert f"/repos/{REPOSITORY}/commits/{head}/check-runs" in reads


@pytest.mark.parametrize(
    ("conclusion", "status"),
    [("failure", "completed"), (None, "in_progress"), ("stale", "completed")],
)
def test_a_required_check_not_successful_fails_the_tests(
    server: GitHubServer,
    change: tuple[Path, str, str],
    tmp_path: Path,
    conclusion: str | None,
    status: str,
) -> None:
    repo, first, head = change
    seed(server, first, head)
    server.add_check(head, "model-evaluation", conclusion, status)
    out = tmp_path / "bundle.json"
    assert run(repo, ci_env(server, tmp_path, head), out).exit_code == 0
    c = json.loads(out.read_text())["change"]
    got = {x["name"]: x["conclusion"] for x in c["required_checks"]}
    assert got["model-evaluation"] == conclusion_of(status, conclusion) != "success"
    assert c["tests_passed"] is False


def test_unprotected_branch_and_missing_checks_are_recorded_as_such(
    server: GitHubServer, change: tuple[Path, str, str], tmp_path: Path
) -> None:
    repo, first, head = change
    server.open_pull(PR, "dana-dev", [(first, "dana-dev", "dana-dev"), (head, "dana-dev", "")])
    server.pulls[PR].commits[-1]["committer"] = "dana-dev"
    out = tmp_path / "bundle.json"
    result = run(repo, ci_env(server, tmp_path, head), out)
    assert result.exit_code == 0, result.output
    bundle = json.loads(out.read_text())
    assert bundle["security"]["branch_protection"] == {
        "required_reviews": 0,
        "dismiss_stale": False,
        "require_code_owner_reviews": False,
        "enforce_admins": False,
        "required_status_checks": [],
        "required_status_check_apps": [],
        "required_workflows": [],
    }
    assert bundle["change"]["required_checks"] == []
    assert bundle["change"]["tests_passed"] is False  # nothing required proves nothing


def test_digest_is_the_same_across_ci_runs_of_the_commit(
    server: GitHubServer, change: tuple[Path, str, str], tmp_path: Path
) -> None:
    repo, first, head = change
    seed(server, first, head)
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    first_run = run(repo, ci_env(server, tmp_path, head, run_id="1001"), a)
    second_run = run(repo, ci_env(server, tmp_path, head, run_id="2002", GITHUB_RUN_ATTEMPT="3"), b)
    assert first_run.exit_code == 0 and second_run.exit_code == 0
    one, two = json.loads(a.read_text()), json.loads(b.read_text())
    assert (one["change"]["ci_run_id"], two["change"]["ci_run_id"]) == ("1001", "2002")
    assert bundle_digest(one) == bundle_digest(two)
    assert first_run.stdout.strip() == second_run.stdout.strip() == bundle_digest(one)
    assert ("change", "ci_run_id") in VOLATILE_PATHS


def test_check_outcomes_are_run_facts_and_evidence_changes_the_digest(
    server: GitHubServer, change: tuple[Path, str, str], tmp_path: Path
) -> None:
    """A check concluding differently in a later run is a fact of that run, evaluated by
    the policy each time, not evidence an approver signed; changed evidence is."""
    repo, first, head = change
    seed(server, first, head)
    a, b, c = tmp_path / "a.json", tmp_path / "b.json", tmp_path / "c.json"
    assert run(repo, ci_env(server, tmp_path, head), a).exit_code == 0
    server.add_check(head, "data-contract", "failure")
    assert run(repo, ci_env(server, tmp_path, head), b).exit_code == 0
    one, two = json.loads(a.read_text()), json.loads(b.read_text())
    assert one["change"]["tests_passed"] is True and two["change"]["tests_passed"] is False
    assert bundle_digest(one) == bundle_digest(two)
    # The preprocessor: the model file is also a DVC output, whose hash collect checks.
    model = repo / "models" / "woe_binning.joblib"
    model.write_bytes(model.read_bytes() + b"retrained")
    assert run(repo, ci_env(server, tmp_path, head), c).exit_code == 0
    assert bundle_digest(json.loads(c.read_text())) != bundle_digest(one)


DECLARED = [
    ("change", {"ci_run_id": "1"}, "$.change.ci_run_id"),
    ("change", {"ci_commit_sha": "a" * 40}, "$.change.ci_commit_sha"),
    ("change", {"tests_passed": True}, "$.change.tests_passed"),
    ("change", {"required_checks": [{"name": "unit-tests", "conclusion": "success"}]}, None),
    ("change", {"first_commit_at": "2026-06-01T00:00:00Z"}, "$.change.first_commit_at"),
    ("change", {"author_ids": ["someone-else"]}, "$.change.author_ids"),
    ("security", {"branch_protection": {"required_reviews": 5}}, None),
]


@pytest.mark.parametrize(("section", "value", "path"), DECLARED)
def test_documentation_cannot_declare_collected_facts(
    server: GitHubServer,
    change: tuple[Path, str, str],
    tmp_path: Path,
    section: str,
    value: dict[str, Any],
    path: str | None,
) -> None:
    repo, first, head = change
    seed(server, first, head)
    field = next(iter(value))
    doc = repo / "docs" / "evidence" / "extra.yaml"
    doc.write_text(json.dumps({section: value}), "utf-8")
    config = repo / ".mrm-gate.yml"
    config.write_text(
        config.read_text().replace(
            "  - docs/evidence/testing.yaml\n",
            "  - docs/evidence/testing.yaml\n  - docs/evidence/extra.yaml\n",
        )
    )
    git(repo, "commit", "-qam", "declare a collected fact")
    head = git(repo, "rev-parse", "HEAD")
    out = tmp_path / "bundle.json"
    result = run(repo, ci_env(server, tmp_path, head), out)
    assert result.exit_code == 2, result.output
    assert "docs/evidence/extra.yaml" in result.output
    assert (path or f"$.{section}.{field}") in result.output
    assert "collected by the gate itself" in result.output
    assert not out.exists()
    assert not any("/protection" in p for _, p in server.requests)  # refused before the API


def test_platform_files_cannot_declare_collected_facts(
    server: GitHubServer, change: tuple[Path, str, str], tmp_path: Path
) -> None:
    repo, first, head = change
    seed(server, first, head)
    (repo / "platform").mkdir()
    (repo / "platform" / "checks.json").write_text(json.dumps({"tests_passed": True}))
    config = repo / ".mrm-gate.yml"
    config.write_text(
        config.read_text() + "platform:\n  - {path: platform/checks.json, section: change}\n"
    )
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "a platform file claiming the tests passed")
    out = tmp_path / "bundle.json"
    result = run(repo, ci_env(server, tmp_path, git(repo, "rev-parse", "HEAD")), out)
    assert result.exit_code == 2, result.output
    assert "platform/checks.json" in result.output
    assert "$.tests_passed" in result.output
    assert not out.exists()


def test_platform_files_fill_their_sections(
    server: GitHubServer, change: tuple[Path, str, str], tmp_path: Path
) -> None:
    repo, first, head = change
    seed(server, first, head)
    (repo / "platform").mkdir()
    scan = {"scanned_at": "2026-06-11T00:00:00Z", "non_prod_pii_found": 0, "tool": "scanner"}
    (repo / "platform" / "pii.yml").write_text(json.dumps(scan))
    config = repo / ".mrm-gate.yml"
    config.write_text(
        config.read_text() + "platform:\n  - {path: platform/pii.yml, section: security.pii_scan}\n"
    )
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "PII scan result")
    head = git(repo, "rev-parse", "HEAD")
    out = tmp_path / "bundle.json"
    assert run(repo, ci_env(server, tmp_path, head), out).exit_code == 0
    bundle = json.loads(out.read_text())
    assert bundle["security"]["pii_scan"] == scan
    assert {"path": "platform/pii.yml", "kind": "other", "section": "security.pii_scan"} in [
        {k: s[k] for k in ("path", "kind", "section") if k in s}
        for s in bundle["provenance"]["sources"]
    ]


@pytest.mark.parametrize(
    ("path_regex", "status", "expected"),
    [
        (r"/protection$", 500, "reading the branch protection of 'main': HTTP 500"),
        (r"/protection$", 403, "reading the branch protection of 'main': HTTP 403"),
        (r"/check-runs$", 502, "listing the check runs of commit"),
        (r"/pulls/\d+/commits$", 500, "listing the commits of pull request #7"),
    ],
)
def test_api_errors_exit_3_without_the_token(
    server: GitHubServer,
    change: tuple[Path, str, str],
    tmp_path: Path,
    path_regex: str,
    status: int,
    expected: str,
) -> None:
    repo, first, head = change
    seed(server, first, head)
    server.fail("GET", path_regex, status, times=10, message=f"boom {TOKEN}")
    out = tmp_path / "bundle.json"
    result = run(repo, ci_env(server, tmp_path, head), out)
    assert result.exit_code == 3, result.output
    assert expected in result.output
    no_token(result)
    assert not out.exists()


def test_bad_token_rate_limit_and_unreachable_api_exit_3(
    server: GitHubServer, change: tuple[Path, str, str], tmp_path: Path
) -> None:
    repo, first, head = change
    seed(server, first, head)
    out = tmp_path / "bundle.json"
    wrong = run(repo, ci_env(server, tmp_path, head, GITHUB_TOKEN="ghs_wrong"), out)
    assert wrong.exit_code == 3 and "HTTP 401" in wrong.output
    server.rate_limit("GET", r"/check-runs$")
    limited = run(repo, ci_env(server, tmp_path, head), out)
    assert limited.exit_code == 3 and "rate limit" in limited.output
    no_token(limited)
    gone = run(repo, ci_env(server, tmp_path, head, GITHUB_API_URL="http://127.0.0.1:9"), out)
    assert gone.exit_code == 3 and "unreachable" in gone.output
    no_token(gone)
    assert not out.exists()


def test_github_mode_needs_a_token(change: tuple[Path, str, str], tmp_path: Path) -> None:
    repo, _, head = change
    env = clean_env(GITHUB_REPOSITORY=REPOSITORY, GITHUB_SHA=head)
    result = collect(repo, "--github", "--output", str(tmp_path / "b.json"), env=env)
    assert result.exit_code == 2
    assert "GITHUB_TOKEN is not set" in result.output


def test_a_commit_without_a_github_account_is_refused(
    server: GitHubServer, change: tuple[Path, str, str], tmp_path: Path
) -> None:
    repo, first, head = change
    seed(server, first, head)
    server.pulls[PR].commits[-1]["author"] = ""  # an e-mail linked to no account
    result = run(repo, ci_env(server, tmp_path, head), tmp_path / "b.json")
    assert result.exit_code == 2, result.output
    assert f"commit {head}" in result.output
    assert "no GitHub account" in result.output


def test_without_github_git_and_ci_facts_are_still_collected(
    change: tuple[Path, str, str], tmp_path: Path
) -> None:
    repo, _, head = change
    env = clean_env(GITHUB_BASE_REF="main", GITHUB_RUN_ID="77", GITHUB_SHA=head)
    out = tmp_path / "b.json"
    assert collect(repo, "--output", str(out), env=env).exit_code == 0
    c = json.loads(out.read_text())["change"]
    assert (c["ci_run_id"], c["ci_commit_sha"]) == ("77", head)
    assert c["first_commit_at"] == "2026-06-10T08:30:00Z"
    assert not {"tests_passed", "required_checks", "author_ids"} & set(c)
    # Without a base the start of the change is unknown: nothing is guessed.
    out2 = tmp_path / "b2.json"
    assert collect(repo, "--output", str(out2), env=clean_env()).exit_code == 0
    assert "first_commit_at" not in json.loads(out2.read_text())["change"]


def test_pure_helpers() -> None:
    assert protection_from_api(None)["required_reviews"] == 0
    assert protection_from_api({"required_status_checks": {"contexts": ["a"], "checks": []}})[
        "required_status_checks"
    ] == ["a"]
    assert conclusion_of("completed", "startup_failure") == "failure"
    assert conclusion_of("completed", "something-new") == "failure"
    assert conclusion_of("queued", None) == "pending"
    runs = [
        {"id": 1, "name": "unit", "status": "completed", "conclusion": "success"},
        {"id": 2, "name": "mrm-gate", "status": "completed", "conclusion": "failure"},
    ]
    assert summarise_checks(runs, ["unit", "mrm-gate"]) == (
        [{"name": "unit", "conclusion": "success"}],
        True,
    )
    assert summarise_checks(runs, ["mrm-gate"])[1] is False
    assert summarise_checks(runs, ["unit", "e2e"])[1] is False
