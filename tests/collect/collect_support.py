"""Helpers for the collector tests: a real git repository built from tests/assets/repo."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from click.testing import CliRunner, Result
from clock import NOW

from gate.cli import cli

REPO_ASSET = Path(__file__).resolve().parents[1] / "assets" / "repo"

_GIT_ENV = {
    "GIT_AUTHOR_NAME": "Dana Developer",
    "GIT_AUTHOR_EMAIL": "dana@example.com",
    "GIT_COMMITTER_NAME": "Dana Developer",
    "GIT_COMMITTER_EMAIL": "dana@example.com",
    "GIT_AUTHOR_DATE": "2026-06-03T10:15:00Z",
    "GIT_COMMITTER_DATE": "2026-06-03T10:15:00Z",
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
}


def git(repo: Path, *args: str, **env: str) -> str:
    full = {**os.environ, **_GIT_ENV, **env}
    proc = subprocess.run(
        ["git", *args], cwd=repo, env=full, capture_output=True, text=True, check=True
    )
    return proc.stdout.strip()


def make_repo(tmp_path: Path) -> Path:
    """Copy the fixture layout into ``tmp_path/repo`` and commit it on ``main``."""
    repo = tmp_path / "repo"
    shutil.copytree(REPO_ASSET, repo)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "credit-pd-retail 3.0.0")
    return repo


def clean_env(**overrides: str) -> dict[str, str | None]:
    """The CLI environment with every GITHUB_* variable unset, plus ``overrides``."""
    env: dict[str, str | None] = {k: None for k in os.environ if k.startswith("GITHUB_")}
    env.update(overrides)
    return env


def invoke(*args: str, env: dict[str, str | None] | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), env=env if env is not None else clean_env())


def collect(repo: Path, *extra: str, env: dict[str, str | None] | None = None) -> Result:
    return invoke("collect", "--repo", str(repo), "--now", NOW, *extra, env=env)
