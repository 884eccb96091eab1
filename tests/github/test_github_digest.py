"""What an approver signs: one head and one evidence give one digest in every run GitHub
starts for the pull request, whatever the event, actor or GITHUB_SHA; a new commit or
changed evidence gives another. Real git repository, real CLI, the local GitHub server,
each run's payload and environment as GitHub gives them (tests/github_events.py)."""

from __future__ import annotations

import json
from pathlib import Path

import github_events as events
from collect.collect_support import clean_env, collect, git, make_repo
from github_server import GitHubServer

PR = 31
CHECKS = ["unit-tests"]


def _collect(repo: Path, run: events.Run, server: GitHubServer, tmp: Path) -> tuple[str, dict]:
    out = tmp / f"bundle-{run.event_name}.json"
    env = clean_env(**run.environment(server, tmp, server.token))
    result = collect(repo, "--github", "--output", str(out), env=env)
    assert result.exit_code == 0, result.output
    return result.stdout.strip(), json.loads(out.read_text("utf-8"))


def _feature(repo: Path) -> tuple[str, str]:
    base = git(repo, "rev-parse", "HEAD")
    git(repo, "checkout", "-q", "-b", "feature-31")
    (repo / "docs" / "notes.md").write_text("Recalibration notes.\n", "utf-8")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "notes")
    return base, git(repo, "rev-parse", "HEAD")


def test_one_head_and_evidence_have_one_digest_across_every_event(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    base, head = _feature(repo)
    with GitHubServer.running() as gh:
        gh.open_pull(PR, "dana-dev", [(head, "dana-dev", "dana-dev")])
        gh.protect("main", checks=CHECKS)
        gh.add_check(head, "unit-tests")
        digests: dict[str, str] = {}
        bundles: dict[str, dict] = {}

        def record(run: events.Run) -> None:
            digests[run.event_name], bundles[run.event_name] = _collect(repo, run, gh, tmp_path)

        record(events.pull_request(gh, PR, "dana-dev"))
        review = gh.review(PR, "vera-validator", body=f"Reviewed {digests['pull_request']}")
        record(events.pull_request_review(gh, PR, review))
        comment = gh.comment(PR, "mo-mrm", "/approve mrm " + digests["pull_request"][7:23])
        record(events.issue_comment(gh, PR, comment, default_head=base))
        # A check concluding differently in a later run is a run fact, not evidence.
        gh.add_check(head, "unit-tests", "failure")
        record(events.workflow_dispatch(gh, head, "refs/heads/feature-31", "omar-owner"))

        git(repo, "checkout", "-q", "main")
        git(repo, "merge", "-q", "--no-ff", "-m", "Merge pull request #31", "feature-31")
        merge = git(repo, "rev-parse", "HEAD")
        gh.merge(PR, merge)
        record(events.push(gh, merge, base, "merge-bot-human"))
        record(events.deployment(gh, merge, "main", "release-manager"))

    assert len(set(digests.values())) == 1, digests
    # The runs did differ in what they record: event, actor, commit checked out, checks.
    ci = {
        name: (b["collected"]["ci"]["event_name"], b["collected"]["ci"]["actor"])
        for name, b in bundles.items()
    }
    assert len(set(ci.values())) == len(ci)
    assert bundles["push"]["collected"]["git"]["commit"] == merge != head
    assert bundles["pull_request"]["change"]["tests_passed"] is True
    assert bundles["push"]["change"]["tests_passed"] is False


def test_a_new_commit_or_changed_evidence_changes_the_digest(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    _, head = _feature(repo)
    with GitHubServer.running() as gh:
        gh.open_pull(PR, "dana-dev", [(head, "dana-dev", "dana-dev")])
        gh.protect("main", checks=CHECKS)
        first, _ = _collect(repo, events.pull_request(gh, PR, "dana-dev"), gh, tmp_path)

        (repo / "docs" / "notes.md").write_text("Recalibration notes, typo fixed.\n", "utf-8")
        git(repo, "commit", "-qam", "typo")
        newer = git(repo, "rev-parse", "HEAD")
        gh.push(PR, newer, "dana-dev")
        second, _ = _collect(
            repo, events.pull_request(gh, PR, "dana-dev", "synchronize"), gh, tmp_path
        )

        model = sorted(p for p in (repo / "models").iterdir() if p.is_file())[0]
        model.write_bytes(model.read_bytes() + b"retrained")
        third, _ = _collect(
            repo, events.pull_request(gh, PR, "dana-dev", "synchronize"), gh, tmp_path
        )
    assert len({first, second, third}) == 3
