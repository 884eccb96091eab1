"""The tests' Actions runner on small workflows of its own (tests/workflows/)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from actions_expr import Evaluator, UnsupportedExpression
from actions_runner import GitHubRepo, Runner, UnsupportedWorkflow, job_order

HERE = Path(__file__).resolve().parent / "workflows"
CHECKOUT_SHA = "11bd71901bbe5b1630ceea73d27597364c9af683"


def git(cwd: Path, *args: str) -> str:
    out = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True)
    return out.stdout.strip()


@pytest.fixture
def repo(tmp_path: Path) -> GitHubRepo:
    path = tmp_path / "origin"
    (path / ".github" / "workflows").mkdir(parents=True)
    for workflow in HERE.glob("*.yml"):
        shutil.copy(workflow, path / ".github" / "workflows" / workflow.name)
    shutil.copytree(HERE / "action-echo", path / ".github" / "actions" / "echo")
    (path / "sub").mkdir()
    (path / "sub" / "README").write_text("a subdirectory\n")
    git(path, "init", "--quiet", "--initial-branch", "main")
    git(path, "add", ".")
    git(path, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "base")
    return GitHubRepo(path, "acme/models")


@pytest.fixture
def runner(repo: GitHubRepo, tmp_path: Path) -> Runner:
    return Runner(repo, tmp_path / "runner", api_url="http://127.0.0.1:1", token="ghs_test")


def commit(repo: GitHubRepo, branch: str, name: str) -> str:
    git(repo.path, "checkout", "--quiet", "-B", branch)
    (repo.path / name).write_text(name)
    git(repo.path, "add", name)
    git(repo.path, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", name)
    sha = git(repo.path, "rev-parse", "HEAD")
    git(repo.path, "checkout", "--quiet", "main")
    return sha


def push(sha: str, message: str) -> dict[str, Any]:
    return {
        "ref": "refs/heads/main",
        "after": sha,
        "head_commit": {"message": message},
        "sender": {"login": "pat-pusher"},
    }


def pull_payload(number: int, head: str, action: str = "opened") -> dict[str, Any]:
    return {
        "action": action,
        "number": number,
        "sender": {"login": "dana-dev"},
        "pull_request": {
            "number": number,
            "head": {"sha": head, "ref": "feature"},
            "base": {"ref": "main"},
        },
    }


def test_env_levels_outputs_file_commands_and_working_directory(
    runner: Runner, repo: GitHubRepo
) -> None:
    run = runner.run(".github/workflows/basics.yml", "push", push(repo.rev("main"), "fix"))
    assert run is not None
    job = run.job()
    assert job.step("first").outputs["greeting"] == "hello workflow job step"
    assert job.step("first").outputs["multi"] == "line1\nline2"
    second = job.step("second").outputs
    assert second["seen"] == "hello workflow job step|set-by-first|tool-ran|sub|unset"
    assert second["lines"] == "true"
    assert job.summary == "first wrote this\n"


def test_if_and_exit_codes(runner: Runner, repo: GitHubRepo) -> None:
    run = runner.run(".github/workflows/basics.yml", "push", push(repo.rev("main"), "Deploy"))
    assert run is not None
    job = run.job()
    assert job.step("pushonly").outputs == {"ran": "yes"}
    assert (job.step("fails").outcome, job.step("fails").exit_code) == ("failure", 7)
    assert job.step("after").outcome == "skipped"
    assert job.step("onfailure").outputs == {"saw": "failure/skipped"}
    assert job.step("always").outputs == {"ran": "yes"}  # contains() ignores case
    assert job.conclusion == "failure"


def test_on_filters_types_and_branches(runner: Runner, repo: GitHubRepo) -> None:
    head = commit(repo, "feature", "change.txt")
    repo.update_pull_refs(5, head, "main")
    workflow = ".github/workflows/basics.yml"
    assert runner.run(workflow, "pull_request", pull_payload(5, head, "synchronize")) is None
    other_branch = {**push(head, "x"), "ref": "refs/heads/feature"}
    assert runner.run(workflow, "push", other_branch) is None
    run = runner.run(workflow, "pull_request", pull_payload(5, head))
    assert run is not None
    assert run.job().step("pushonly").outcome == "skipped"


def test_pull_request_runs_on_the_merge_commit_and_comments_on_the_default_branch(
    runner: Runner, repo: GitHubRepo
) -> None:
    head = commit(repo, "feature", "change.txt")
    merge = repo.update_pull_refs(5, head, "main")
    assert git(repo.path, "rev-list", "--parents", "-n1", merge).split()[1:] == [
        repo.rev("main"),
        head,
    ]
    run = runner.run(".github/workflows/events.yml", "pull_request", pull_payload(5, head))
    assert run is not None
    env = run.job().step("env").outputs
    assert env["GITHUB_SHA"] == merge != head
    assert env["GITHUB_REF"] == "refs/pull/5/merge"
    assert (env["GITHUB_HEAD_REF"], env["GITHUB_BASE_REF"]) == ("feature", "main")
    assert (env["GITHUB_ACTOR"], env["GITHUB_TRIGGERING_ACTOR"]) == ("dana-dev", "dana-dev")
    assert (env["event_number"], env["token_in_env"]) == ("5", "absent")
    assert env["GITHUB_API_URL"] == "http://127.0.0.1:1"
    comment = {
        "action": "created",
        "issue": {"number": 5, "pull_request": {"url": "u"}},
        "comment": {"body": "/approve"},
        "sender": {"login": "val-validator"},
    }
    run = runner.run(".github/workflows/events.yml", "issue_comment", comment)
    assert run is not None
    env = run.job().step("env").outputs
    assert (env["GITHUB_SHA"], env["GITHUB_REF"]) == (repo.rev("main"), "refs/heads/main")
    assert (env["GITHUB_HEAD_REF"], env["GITHUB_ACTOR"]) == ("", "val-validator")


def test_composite_action_inputs_defaults_outputs_and_failure(
    runner: Runner, repo: GitHubRepo
) -> None:
    dispatch = {"ref": "refs/heads/main", "inputs": {"word": "hi"}, "sender": {"login": "kim"}}
    run = runner.run(".github/workflows/composite.yml", "workflow_dispatch", dispatch)
    assert run is not None
    job = run.job()
    assert job.step("echo").outputs == {"said": "kim says hi (caller-env) from echo"}
    broken = job.step("broken")
    assert broken.outcome == "failure"
    assert [s.outcome for s in broken.steps] == ["failure", "skipped"]
    assert job.step("next").outputs == {"prev": "failure/success"}, job.log
    assert job.conclusion == "success"


def test_cache_restores_what_an_earlier_run_saved(runner: Runner, repo: GitHubRepo) -> None:
    dispatch = {"ref": "refs/heads/main", "sender": {"login": "kim"}}
    first = runner.run(".github/workflows/cache.yml", "workflow_dispatch", dispatch)
    second = runner.run(".github/workflows/cache.yml", "workflow_dispatch", dispatch)
    assert first is not None and second is not None
    assert first.job().step("cache").outputs["cache-hit"] == "false"
    assert second.job().step("cache").outputs["cache-hit"] == "true"
    assert second.job().step("build").outcome == "skipped"
    assert second.job().step("use").outputs == {"marker": "built"}


def test_an_unsupported_expression_stops_the_test(runner: Runner) -> None:
    dispatch = {"ref": "refs/heads/main", "sender": {"login": "kim"}}
    with pytest.raises(UnsupportedExpression, match="hashFiles"):
        runner.run(".github/workflows/unsupported.yml", "workflow_dispatch", dispatch)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("'' || 'fallback'", "fallback"),
        ("'first' || 'fallback'", "first"),
        ("'a' && ''", ""),
        ("'ABC' == 'abc'", True),
        ("1 == '1'", True),
        ("null == 0", True),
        ("github.missing.deeper", None),
        ("!github.missing", True),
        ("format('refs/pull/{0}/head', 12)", "refs/pull/12/head"),
        ("contains(fromJSON('[\"a\",\"b\"]'), 'B')", True),
        ("github.event.pull_request.number || github.event.issue.number", 7.0),
        ("'it''s'", "it's"),
    ],
)
def test_expression_semantics(expression: str, expected: Any) -> None:
    contexts = {"github": {"event": {"issue": {"number": 7}}}}
    assert Evaluator(contexts, lambda _: True).evaluate(expression) == expected


@pytest.mark.parametrize("expression", ["1 < 2", "github.*.x", "hashFiles('x')", "nope.x"])
def test_expressions_outside_the_subset_are_refused(expression: str) -> None:
    with pytest.raises(UnsupportedExpression):
        Evaluator({"github": {}}, lambda _: True).evaluate(expression)


def test_steps_run_at_the_runner_clock(runner: Runner) -> None:
    runner.clock = "2031-02-03T04:05:06Z"
    dispatch = {"ref": "refs/heads/main", "sender": {"login": "kim"}}
    run = runner.run(".github/workflows/clock.yml", "workflow_dispatch", dispatch)
    assert run is not None
    assert run.job().step("date").outputs == {"today": "2031-02-03T04"}


def test_jobs_run_in_needs_order_each_on_its_own_machine(repo: GitHubRepo, tmp_path: Path) -> None:
    runner = Runner(
        repo,
        tmp_path / "runner",
        api_url="http://127.0.0.1:1",
        token="ghs_write",
        read_token="ghs_read",
    )
    dispatch = {"ref": "refs/heads/main", "sender": {"login": "kim"}}
    run = runner.run(".github/workflows/jobs.yml", "workflow_dispatch", dispatch)
    assert run is not None
    assert list(run.jobs) == ["build", "decide", "broken", "after-failure", "report-failure"]
    build, decide = run.job("build"), run.job("decide")
    # A job granting no write gets the read-only token; the workflow's checks: write, the other.
    assert (build.token, decide.token) == ("ghs_read", "ghs_write")
    assert build.outputs == {"word": "built-with-ghs_read"}
    seen = decide.step("seen").outputs
    assert (seen["word"], seen["result"]) == ("built-with-ghs_read", "success")
    # Nothing of build's machine reached decide's: no files, no PATH entry, no env.
    assert (seen["path"], seen["env"]) == ("none", "unset")
    assert seen["left"] == ""
    assert decide.step("token").outputs == {"token": "ghs_write"}
    # The artifact: the directory's contents at its root, hidden files left out.
    assert decide.step("got").outputs == {"files": "./one.txt ./sub/two.txt "}
    assert build.step("again").outcome == "failure"  # names are unique in a run
    assert "already uploaded" in build.step("again").log
    assert decide.step("missing").outcome == "failure"
    assert "Artifact not found for name: never-uploaded" in decide.step("missing").log
    # A failed job skips the jobs that need it, unless their if: asks for failure().
    assert run.job("broken").conclusion == "failure"
    assert run.job("after-failure").conclusion == "skipped"
    assert run.job("report-failure").step("saw").outputs == {"broken": "failure"}


@pytest.mark.parametrize(
    ("jobs", "refusal"),
    [
        ({"a": {"needs": "b"}, "b": {"needs": ["a"]}}, "needs: forms a cycle"),
        ({"a": {"needs": ["nobody"]}}, "needs unknown job 'nobody'"),
    ],
)
def test_needs_github_would_refuse_are_refused(jobs: dict[str, Any], refusal: str) -> None:
    with pytest.raises(UnsupportedWorkflow, match=refusal):
        job_order(jobs)
