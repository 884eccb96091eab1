"""Shared fixtures. OPA is always the real binary; servers listen on 127.0.0.1 only."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from clock import DEFAULT_COMMIT_TIME, NOW, git_dates

from gate.decision import Decision
from gate.engine.local import LocalOpaEngine
from gate.engine.toolchain import OpaBinary, find_opa
from gate.evidence import bundle_digest
from gate.policy import PolicySource, build_bundle, default_policy_dir
from gate.policy_input import build_input

ROOT = Path(__file__).resolve().parents[1]
ASSETS = Path(__file__).resolve().parent / "assets"


def pytest_configure(config: pytest.Config) -> None:
    """Pin git's dates for every repository a test creates (see clock.py)."""
    os.environ.update(git_dates(DEFAULT_COMMIT_TIME))


def asset(*parts: str) -> Path:
    return ASSETS.joinpath(*parts)


def load_asset(*parts: str) -> Any:
    return json.loads(asset(*parts).read_text("utf-8"))


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def opa() -> OpaBinary:
    return find_opa()


@pytest.fixture(scope="session")
def policies() -> PolicySource:
    return PolicySource(default_policy_dir())


@pytest.fixture(scope="session")
def policy_bundle(
    opa: OpaBinary, policies: PolicySource, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    out = tmp_path_factory.mktemp("bundle") / "policies.tar.gz"
    build_bundle(opa.path, policies, out)
    return out


class OpaServer:
    """A real `opa run --server` on 127.0.0.1 with a free port."""

    def __init__(self, opa: OpaBinary, bundle: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(
            [
                opa.path,
                "run",
                "--server",
                "--addr",
                f"127.0.0.1:{self.port}",
                "--log-level",
                "error",
                "--bundle",
                str(bundle),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    "opa server exited: " + self.proc.stderr.read().decode()
                    if self.proc.stderr
                    else ""
                )
            try:
                if requests.get(f"{self.url}/health?bundles", timeout=1).status_code == 200:
                    return
            except requests.ConnectionError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError("opa server did not become healthy within 30s")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


@pytest.fixture(scope="session")
def opa_server(opa: OpaBinary, policy_bundle: Path) -> Iterator[OpaServer]:
    server = OpaServer(opa, policy_bundle)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def action_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Action's files, as the runner downloads them for `uses: acme-bank/mrm-gate@v1`
    (tests/workflow_story.py)."""
    from workflow_story import copy_action

    return copy_action(tmp_path_factory.mktemp("action") / "mrm-gate")


@pytest.fixture
def fake_bin(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Write an executable shell script standing in for a broken OPA."""

    def make(body: str, name: str = "opa") -> str:
        path = tmp_path / name
        path.write_text("#!/bin/sh\n" + body + "\n", "utf-8")
        path.chmod(0o755)
        return str(path)

    return make


@pytest.fixture
def credit_bundle_path() -> Path:
    return asset("bundles", "credit-complete.json")


def copy_policies(tmp_path: Path) -> Path:
    dest = tmp_path / "policies"
    shutil.copytree(default_policy_dir(), dest)
    return dest


def decide(
    opa: OpaBinary,
    policies: PolicySource,
    bundle: dict[str, Any],
    stage: str,
    *,
    now: str = NOW,
    **extra: Any,
) -> Decision:
    """Evaluate one bundle with the real OPA and the same checks the CLI applies."""
    digest = bundle_digest(bundle)
    policy_input = build_input(bundle, stage=stage, digest=digest, now=now, **extra)
    result = LocalOpaEngine(opa, policies).evaluate(policy_input)
    return Decision.from_policy(result, stage=stage, bundle_digest=digest, decided_at=now)


def failing(decision: Decision) -> set[str]:
    """Ids of the controls that failed in ``decision``."""
    return {c["id"] for c in decision.controls if c["status"] == "fail"}
