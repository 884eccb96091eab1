"""API failures and rate limits end in exit 3 with a clear message; the token never
appears in any output, log or file."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from github_server import HEAD, PR, GitHubServer, actions_env, standard_pull, write_config

from conftest import NOW, ROOT, asset
from gate.cli import cli

BUNDLE = asset("bundles", "credit-complete.json")
SECRET = "ghs_Zq9SECRETtokenXy7w3DISTINCTIVE41"


def check(server: GitHubServer, tmp: Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(
        cli,
        [
            "check",
            "--bundle",
            str(BUNDLE),
            "--stage",
            "production",
            "--github",
            "--config",
            str(write_config(tmp)),
            "--now",
            NOW,
        ],
        env=actions_env(server, tmp),
    )
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(
    ("method", "path", "status", "expect"),
    [
        ("GET", r"/pulls/\d+/reviews", 500, "HTTP 500"),
        ("GET", r"/issues/\d+/comments", 502, "HTTP 502"),
        ("GET", r"/pulls/\d+$", 404, "HTTP 404"),
        ("GET", r"/memberships/", 403, "HTTP 403"),
    ],
)
def test_fail_api_error_exits_3(
    tmp_path: Path, method: str, path: str, status: int, expect: str
) -> None:
    with GitHubServer.running() as gh:
        standard_pull(gh)
        gh.comment(PR, "vera-validator", "/approve validator " + "0f369c96bed912ff" * 4)
        gh.fail(method, path, status, times=10)
        code, out, err = check(gh, tmp_path)
    assert code == 3, out + err
    assert "GitHub API error while" in err and expect in err
    assert "what to do:" in err and "Traceback" not in err


@pytest.mark.parametrize("status", [403, 429])
def test_fail_rate_limit_exits_3(tmp_path: Path, status: int) -> None:
    with GitHubServer.running() as gh:
        standard_pull(gh)
        gh.rate_limit("GET", r"/pulls/\d+/commits", status)
        code, _, err = check(gh, tmp_path)
    assert code == 3
    assert "rate limit exhausted while listing the commits of pull request #212" in err
    assert "resets at 2026-" in err


def test_fail_bad_credentials_exit_3(tmp_path: Path) -> None:
    with GitHubServer.running(token="ghs_other") as gh:
        standard_pull(gh)
        env = actions_env(gh, tmp_path)
        env["GITHUB_TOKEN"] = SECRET
        result = CliRunner().invoke(
            cli,
            [
                "check",
                "--bundle",
                str(BUNDLE),
                "--stage",
                "production",
                "--github",
                "--config",
                str(write_config(tmp_path)),
                "--now",
                NOW,
            ],
            env=env,
        )
    assert result.exit_code == 3 and "HTTP 401" in result.stderr
    assert SECRET not in result.output + result.stderr


def test_fail_report_api_error_exits_3(tmp_path: Path) -> None:
    with GitHubServer.running() as gh:
        standard_pull(gh)
        gh.fail("POST", r"/check-runs$", 500)
        decision = tmp_path / "d.json"
        decision.write_text(
            json.dumps(
                {
                    "allow": False,
                    "stage": "merge",
                    "violations": [],
                    "warnings": [],
                    "waived": [],
                    "controls": [],
                    "required_approvals": [],
                    "stale_approvals": [],
                    "bundle_digest": "sha256:" + "0" * 64,
                    "policy_revision": "r",
                    "opa_version": "1",
                    "decided_at": NOW,
                    "engine": "local",
                    "guidance": {
                        "selected": "SR 26-2",
                        "applied": "SR 26-2",
                        "in_force": "SR 26-2",
                        "effective_from": "2026-04-17",
                        "effective_until": "",
                    },
                    "head_commit": HEAD,
                }
            ),
            "utf-8",
        )
        result = CliRunner().invoke(
            cli, ["report", "--decision", str(decision)], env=actions_env(gh, tmp_path)
        )
    assert result.exit_code == 3
    assert "creating the check run mrm-gate: HTTP 500" in result.stderr


def _mrm_gate(args: list[str], env: dict[str, str | None]) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
    full.update({k: v for k, v in env.items() if v is not None})
    return subprocess.run(
        [sys.executable, "-m", "gate", "-v", *args],
        env=full,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_fail_token_never_appears_in_output_logs_or_files(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    texts: list[str] = []
    with GitHubServer.running(token=SECRET) as gh:
        standard_pull(gh)
        env = actions_env(gh, tmp_path)
        config = str(write_config(tmp_path))
        decision = tmp_path / "decision.json"
        # the whole flow through the real command line (verbose: tracebacks on)
        check = _mrm_gate(
            [
                "check",
                "--bundle",
                str(BUNDLE),
                "--stage",
                "production",
                "--github",
                "--config",
                config,
                "--format",
                "json",
                "--output",
                str(decision),
                "--now",
                NOW,
            ],
            env,
        )
        report = _mrm_gate(
            ["report", "--decision", str(decision), "--bundle", str(BUNDLE), "--config", config],
            env,
        )
        assert (check.returncode, report.returncode) == (1, 0), check.stderr + report.stderr
        # failures: a server error, a rate limit, unreachable API, in process and logged
        gh.fail("GET", r"/reviews", 500)
        failed = _mrm_gate(
            [
                "check",
                "--bundle",
                str(BUNDLE),
                "--stage",
                "production",
                "--github",
                "--config",
                config,
                "--now",
                NOW,
            ],
            env,
        )
        assert failed.returncode == 3
        gh.rate_limit("GET", r"/commits")
        limited = CliRunner().invoke(
            cli,
            [
                "-v",
                "check",
                "--bundle",
                str(BUNDLE),
                "--stage",
                "production",
                "--github",
                "--config",
                config,
                "--now",
                NOW,
            ],
            env=env,
        )
        assert limited.exit_code == 3
        texts += [c["body"] for c in gh.comments_of(PR)]
        texts += [json.dumps(r) for r in gh.check_runs.values()]
    env["GITHUB_API_URL"] = gh.url  # now closed: connection refused
    gone = CliRunner().invoke(
        cli,
        [
            "-v",
            "check",
            "--bundle",
            str(BUNDLE),
            "--stage",
            "production",
            "--github",
            "--config",
            config,
            "--now",
            NOW,
        ],
        env=env,
    )
    assert gone.exit_code == 3 and "unreachable" in gone.stderr
    for proc in (check, report, failed):
        texts += [proc.stdout, proc.stderr]
    for res in (limited, gone):
        texts += [res.stdout, res.stderr, repr(res.exception)]
    texts += [p.read_text("utf-8") for p in tmp_path.rglob("*") if p.is_file()]
    texts.append(caplog.text)
    assert all(SECRET not in t for t in texts)
    assert any("Authorization" in h or "authorization" in h for h in gh.seen_headers[0])
