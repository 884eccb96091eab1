"""Shared helpers for the example tests (and scripts/demo.py): build a fresh git repository
holding one example as a pull request (an empty `main`, then a branch with the code and the
trained outputs), simulate the CI run of that pull request against the project's local
GitHub REST server (tests/github_server.py), and run the gate's CLI on it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from gate.cli import cli
from gate.github.client import RoleTeams
from gate.github.collect import team_for

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT / "tests") not in sys.path:
    sys.path.insert(0, str(ROOT / "tests"))

from clock import NOW, git_dates, shifted  # noqa: E402
from github_server import GitHubServer  # noqa: E402
from stories import lay_out  # noqa: E402

BRANCH = "model-change"
PR = 1
REQUIRED_CHECKS = ("unit-tests", "data-contract", "model-evaluation")
# The GitHub repository each example's pull request lives in (on the local server), and
# the developer who opens it (one of the inventory's developer_ids).
REPOSITORIES = {
    "examples/credit-scorecard": ("example-bank", "credit-scorecard", "dev-dana"),
    "examples/clinical-triage": ("example-health", "clinical-triage", "dev-dana"),
}
FAKE_TOKEN = "ghs_simulated_ci_token_not_a_secret"


def git(repo: Path, *args: str, at: str | None = None) -> str:
    """Run git in ``repo``; ``at`` pins the author and committer dates of a commit."""
    env = {**os.environ, **git_dates(at)} if at else None
    out = subprocess.run(
        ["git", "-C", str(repo), *args], check=True, capture_output=True, text=True, env=env
    )
    return out.stdout.strip()


def run_py(repo: Path, *args: str) -> None:
    subprocess.run([sys.executable, *args], cwd=repo, check=True, capture_output=True)


def start_repo(dest: Path, example: str, now: str = NOW) -> Path:
    """`main` with one empty commit, then a branch committing `examples/<example>` (code and
    pre-set thresholds), four and three hours before ``now``. Training comes next.

    The example's documents are laid out as of ``now`` (see :func:`stories.lay_out`)."""
    git(dest, "init", "-q", "-b", "main")
    git(dest, "config", "user.email", "dev-dana@example.com")
    git(dest, "config", "user.name", "Dana Developer")
    git(dest, "commit", "-q", "--allow-empty", "-m", "model repository", at=shifted(now, hours=-4))
    git(dest, "checkout", "-q", "-b", BRANCH)
    lay_out(ROOT / example, dest / example, now)
    git(dest, "add", "-A")
    git(
        dest,
        "commit",
        "-q",
        "-m",
        f"{example}: code and pre-set thresholds",
        at=shifted(now, hours=-3),
    )
    return dest


def train_and_validate(dest: Path, example: str, now: str = NOW) -> None:
    """The example's pipeline (stamped two hours before ``now``) and the validator's
    independent run, then their outputs committed an hour before ``now``."""
    run_py(dest, f"{example}/pipeline.py", "--now", shifted(now, hours=-2))
    run_py(dest, f"{example}/validation/validate.py")
    git(dest, "add", "-A")
    git(
        dest,
        "commit",
        "-q",
        "-m",
        f"{example}: trained model and evidence",
        at=shifted(now, hours=-1),
    )


def make_repo(dest: Path, example: str, now: str = NOW) -> Path:
    """The example's pull request: code committed, then trained and validated outputs
    committed (the order the pipelines expect: thresholds before training)."""
    start_repo(dest, example, now)
    train_and_validate(dest, example, now)
    return dest


def waivers_needed(decision: dict[str, Any]) -> list[str]:
    """The ``waiver:<control id>`` approvals ``decision`` still waits for: the policy lists
    one for every violated control that the bundle asks to waive with a live waiver."""
    return [role for role in approvals_needed(decision) if role.startswith("waiver:")]


def approvals_needed(decision: dict[str, Any]) -> list[str]:
    """Every approval role ``decision`` still waits for, sorted."""
    return sorted(a["role"] for a in decision["required_approvals"] if not a["satisfied"])


def approve_by_comments(
    server: GitHubServer, config: Path, digest: str, roles: Iterable[str]
) -> dict[str, list[str]]:
    """Give each of ``roles`` an ``/approve <role> <bundle digest>`` line, commented on the
    pull request by a member of the role's team (per ``config``'s ``roles:``, see
    gate.github.collect.team_for) who neither wrote nor owns the model: one approver per
    role, and one waiver approver giving every ``waiver:<id>`` role in a single comment.
    Returns each commenting login with the roles it approved."""
    teams = RoleTeams.load(config)
    hex_digest = digest.removeprefix("sha256:")
    given: dict[str, list[str]] = {}
    for role in roles:
        team = team_for(teams, role)
        assert team, f"{config}: no team holds role {role}"
        login = role.partition(":")[0].replace("_", "-") + "-approver"
        server.add_member(team, login)
        given.setdefault(login, []).append(role)
    for login, approved in given.items():
        server.comment(PR, login, "\n".join(f"/approve {role} {hex_digest}" for role in approved))
    return given


def seed_pull_request(server: GitHubServer, repo: Path, author: str) -> str:
    """Put the branch's commits on ``server`` as pull request #1 against a protected
    `main` (a ruleset requires the gate's workflow), with successful required checks on
    the head commit; returns the head sha."""
    shas = git(repo, "rev-list", "--reverse", f"main..{BRANCH}").split()
    server.open_pull(PR, author, [(sha, author, author) for sha in shas])
    server.protect("main", required_reviews=2, checks=[*REQUIRED_CHECKS, "mrm-gate"])
    server.require_workflow("main")  # the gate's workflow, run from main (GATE-WF-01)
    for name in REQUIRED_CHECKS:
        server.add_check(shas[-1], name)
    return shas[-1]


def ci_env(
    server: GitHubServer, directory: Path, head: str, run_id: str = "700001"
) -> dict[str, str]:
    """The GITHUB_* environment of a pull_request run of the simulated CI (fake token)."""
    payload = {"pull_request": {"number": PR, "head": {"sha": head}, "base": {"ref": "main"}}}
    event = directory / "event.json"
    event.write_text(json.dumps(payload), "utf-8")
    return {
        "GITHUB_ACTIONS": "true",
        "GITHUB_TOKEN": server.token,
        "GITHUB_API_URL": server.url,
        "GITHUB_SERVER_URL": "https://github.test",
        "GITHUB_REPOSITORY": f"{server.owner}/{server.repo}",
        "GITHUB_EVENT_NAME": "pull_request",
        "GITHUB_EVENT_PATH": str(event),
        "GITHUB_BASE_REF": "main",
        "GITHUB_HEAD_REF": BRANCH,
        "GITHUB_REF": f"refs/pull/{PR}/merge",
        "GITHUB_SHA": head,
        "GITHUB_RUN_ID": run_id,
        "GITHUB_RUN_ATTEMPT": "1",
        "GITHUB_WORKFLOW": "model-gate",
        "GITHUB_ACTOR": "dev-dana",
        "MRM_GATE_GITHUB_PACING": "0",
    }


def _env(extra: Mapping[str, str] | None) -> dict[str, str | None]:
    env: dict[str, str | None] = {k: None for k in os.environ if k.startswith("GITHUB_")}
    env.update(extra or {})
    return env


def collect(repo: Path, example: str, output: Path, env: Mapping[str, str] | None = None) -> Any:
    """`mrm-gate collect`; with ``env`` (from :func:`ci_env`) as the simulated CI run,
    with `--github`."""
    args = [
        "collect",
        "--repo",
        str(repo),
        "--config",
        str(repo / example / ".mrm-gate.yml"),
        "--output",
        str(output),
        "--now",
        NOW,
    ]
    return CliRunner().invoke(cli, [*args, "--github"] if env else args, env=_env(env))


def check(
    bundle: Path,
    stage: str,
    now: str = NOW,
    *,
    env: Mapping[str, str] | None = None,
    extra: tuple[str, ...] = (),
) -> tuple[int, dict[str, Any]]:
    """`mrm-gate check --format json`; ``env`` and ``extra`` (e.g. ``--github``) as given."""
    res = CliRunner().invoke(
        cli,
        ["check", "--bundle", str(bundle), "--stage", stage, "--format", "json", "--now", now]
        + list(extra),
        env=_env(env),
    )
    return res.exit_code, json.loads(res.output)


def github_args(repo: Path, example: str) -> tuple[str, str, str]:
    """`check` options collecting the approvals from the pull request (roles per the
    example's config)."""
    return ("--github", "--config", str(repo / example / ".mrm-gate.yml"))


def reproduce(bundle: Path, repo: Path, output: Path) -> Any:
    return CliRunner().invoke(
        cli, ["reproduce", "--bundle", str(bundle), "--repo", str(repo), "--output", str(output)]
    )


def waived(decision: dict[str, Any]) -> set[str]:
    return {v["control_id"] for v in decision["waived"]}


def failed(decision: dict[str, Any]) -> set[str]:
    return {v["control_id"] for v in decision["violations"]}


def explain(decision: dict[str, Any]) -> str:
    return "\n".join(
        f"{v['control_id']} {v['evidence_path']}: {v['msg']}" for v in decision["violations"]
    )
