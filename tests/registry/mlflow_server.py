"""A real MLflow tracking server with its model registry and its basic-auth app, on
127.0.0.1 with a free port (SQLite stores, proxied artefacts in a temporary directory).

Three identities: the server's admin (creates the others), the gate (``mrm-gate``, the one
identity allowed to change the governed registered models) and a developer (``dev-dana``,
who logs runs and registers candidate versions, and can only read the governed models).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

ADMIN = ("admin", "admin-password-for-tests-only")
GATE = ("mrm-gate", "gate-password-for-tests-only")
DEVELOPER = ("dev-dana", "dana-password-for-tests-only")


@dataclass
class MlflowServer:
    """One server process; ``env_for(identity)`` gives the client environment."""

    root: Path
    port: int
    process: subprocess.Popen[bytes] | None = None

    @property
    def uri(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env_for(self, identity: tuple[str, str]) -> dict[str, str]:
        user, password = identity
        return {
            "MLFLOW_TRACKING_URI": self.uri,
            "MLFLOW_TRACKING_USERNAME": user,
            "MLFLOW_TRACKING_PASSWORD": password,
            # A refused request is an answer, not a reason to retry for minutes.
            "MLFLOW_HTTP_REQUEST_MAX_RETRIES": "0",
            "MLFLOW_HTTP_REQUEST_TIMEOUT": "30",
        }

    def start(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        ini = self.root / "basic_auth.ini"
        ini.write_text(
            "[mlflow]\n"
            "default_permission = READ\n"
            f"database_uri = sqlite:///{self.root / 'auth.db'}\n"
            f"admin_username = {ADMIN[0]}\n"
            f"admin_password = {ADMIN[1]}\n"
            "authorization_function = mlflow.server.auth:authenticate_request_basic_auth\n"
        )
        env = {
            **os.environ,
            "MLFLOW_AUTH_CONFIG_PATH": str(ini),
            "MLFLOW_FLASK_SERVER_SECRET_KEY": "csrf-key-for-tests-only",
        }
        log = (self.root / "server.log").open("wb")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "mlflow",
                "server",
                "--app-name",
                "basic-auth",
                "--backend-store-uri",
                f"sqlite:///{self.root / 'mlflow.db'}",
                "--artifacts-destination",
                str(self.root / "artifacts"),
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--workers",
                "1",
            ],  # fmt: skip
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self._wait_ready()
        self._create_users()

    def _wait_ready(self, timeout: float = 120.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(self.log_tail("MLflow server exited"))
            try:
                if requests.get(f"{self.uri}/health", timeout=10).status_code == 200:
                    return
            except requests.RequestException:  # not listening yet, or busy starting
                pass
            time.sleep(0.5)
        raise RuntimeError(self.log_tail("MLflow server did not become ready"))

    def log_tail(self, what: str) -> str:
        text = (self.root / "server.log").read_text(errors="replace")
        return f"{what}:\n" + "\n".join(text.splitlines()[-30:])

    def _create_users(self) -> None:
        for user, password in (GATE, DEVELOPER):
            reply = requests.post(
                f"{self.uri}/api/2.0/mlflow/users/create",
                json={"username": user, "password": password},
                auth=ADMIN,
                timeout=30,
            )
            assert reply.status_code == 200, reply.text

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def mlflow_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MlflowServer]:
    """The session's MLflow server (import this fixture into the test module)."""
    server = MlflowServer(tmp_path_factory.mktemp("mlflow"), free_port())
    server.start()
    try:
        yield server
    finally:
        server.stop()
