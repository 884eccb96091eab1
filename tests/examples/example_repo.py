"""Shared helpers for the example tests: build a fresh git repository holding one example
(code committed first, then the trained outputs), and run the gate's CLI on it."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from gate._cli import cli

ROOT = Path(__file__).resolve().parents[2]
NOW = "2026-11-30T12:00:00Z"


def git(repo: Path, *args: str) -> str:
    out = subprocess.run(
        ["git", "-C", str(repo), *args], check=True, capture_output=True, text=True
    )
    return out.stdout.strip()


def run_py(repo: Path, *args: str) -> None:
    subprocess.run([sys.executable, *args], cwd=repo, check=True, capture_output=True)


def make_repo(dest: Path, example: str) -> Path:
    """Copy `examples/<example>` into a new repository, commit the code, train, validate
    and commit the outputs (the order the pipelines expect: thresholds before training)."""
    shutil.copytree(ROOT / example, dest / example, ignore=shutil.ignore_patterns("out"))
    git(dest, "init", "-q", "-b", "main")
    git(dest, "config", "user.email", "dev-dana@example.com")
    git(dest, "config", "user.name", "Dana Developer")
    git(dest, "add", "-A")
    git(dest, "commit", "-q", "-m", f"{example}: code and pre-set thresholds")
    run_py(dest, f"{example}/pipeline.py")
    run_py(dest, f"{example}/validation/validate.py")
    git(dest, "add", "-A")
    git(dest, "commit", "-q", "-m", f"{example}: trained model and evidence")
    return dest


def collect(repo: Path, example: str, output: Path) -> Any:
    return CliRunner().invoke(
        cli,
        [
            "collect",
            "--repo",
            str(repo),
            "--config",
            str(repo / example / ".mrm-gate.yml"),
            "--output",
            str(output),
            "--now",
            NOW,
        ],
    )


def check(bundle: Path, stage: str, now: str = NOW) -> tuple[int, dict[str, Any]]:
    res = CliRunner().invoke(
        cli, ["check", "--bundle", str(bundle), "--stage", stage, "--format", "json", "--now", now]
    )
    return res.exit_code, json.loads(res.output)


def reproduce(bundle: Path, repo: Path, output: Path) -> Any:
    return CliRunner().invoke(
        cli, ["reproduce", "--bundle", str(bundle), "--repo", str(repo), "--output", str(output)]
    )


def failed(decision: dict[str, Any]) -> set[str]:
    return {v["control_id"] for v in decision["violations"]}


def explain(decision: dict[str, Any]) -> str:
    return "\n".join(
        f"{v['control_id']} {v['evidence_path']}: {v['msg']}" for v in decision["violations"]
    )
