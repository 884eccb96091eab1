"""The batch's private OPA server (gate.engine.served) and every way it must fail closed:
non-zero, a message, no report, no OPA process left and no socket folder left behind.
Real OPA throughout; the failures are real ones (a socket path OPA cannot bind, a rule that
never ends, a server killed or stopped by a signal)."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import tarfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import NOW, ROOT, load_asset
from gate.engine.served import private_server
from gate.engine.toolchain import OpaBinary
from gate.errors import EngineError
from gate.evidence import bundle_digest
from gate.policy import PolicySource, content_revision
from gate.policy_input import build_input

# A decision that never comes: OPA walks 10^10 pairs (without collecting them).
NEVER_ENDS = (
    "r := numbers.range(1, 100000)\n\n"
    "decision := {} if { every i in r { every j in r { i != -j } } }"
)


def policy_folder(tmp_path: Path, body: str) -> Path:
    folder = tmp_path / "policy"
    (folder / "gate").mkdir(parents=True)
    (folder / "gate" / "main.rego").write_text("package gate.main\n\n" + body + "\n", "utf-8")
    return folder


def fleet(folder: Path, n: int = 4) -> list[Path]:
    folder.mkdir(parents=True)
    paths = []
    for i in range(n):
        doc = load_asset("bundles", "credit-complete.json")
        doc["model"]["version"] = f"v-{i}"
        paths.append(folder / f"model-{i}.json")
        paths[-1].write_text(json.dumps(doc), "utf-8")
    return paths


def policy_input(i: int) -> dict[str, Any]:
    doc = load_asset("bundles", "credit-complete.json")
    doc["model"]["version"] = f"v-{i}"
    return build_input(doc, stage="merge", digest=bundle_digest(doc), now=NOW)


def batch(
    tmp_path: Path, *extra: str, tmpdir: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """`check` of the fleet in tmp_path/bundles into tmp_path/out, OPA's temp folder in
    ``tmpdir`` (default tmp_path/tmp, created empty)."""
    tmpdir = tmpdir or tmp_path / "tmp"
    tmpdir.mkdir(parents=True, exist_ok=True)
    return subprocess.run(
        [sys.executable, "-m", "gate", "check", "--bundle", str(tmp_path / "bundles"),
         "--stage", "merge", "--now", NOW, "--format", "json",
         "--output-dir", str(tmp_path / "out"), *extra],
        capture_output=True, text=True, cwd=ROOT, check=False, timeout=300,
        env={**os.environ, "TMPDIR": str(tmpdir)},
    )  # fmt: skip


def opa_processes_under(path: Path) -> list[int]:
    """Processes whose command line names ``path`` (the OPA servers started in it)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue  # not a process, or gone meanwhile
        if entry.name.isdigit() and str(path).encode() in cmdline and b"--server" in cmdline:
            found.append(int(entry.name))
    return found


def assert_failed_cleanly(tmp_path: Path, out: subprocess.CompletedProcess[str]) -> None:
    assert out.returncode == 3, out.stdout + out.stderr
    assert "mrm-gate: error:" in out.stderr and "Traceback" not in out.stderr
    assert "allowed" not in out.stdout + out.stderr
    assert not (tmp_path / "out").exists()
    assert list((tmp_path / "tmp").iterdir()) == []
    assert opa_processes_under(tmp_path) == []


def test_bad_bundle_while_the_server_starts(tmp_path: Path) -> None:
    """OPA is started before the bundles are read: a bad one still ends the batch as
    itself (exit 2), and the server started for it is gone with its folder."""
    fleet(tmp_path / "bundles")[2].write_text("{}", "utf-8")
    out = batch(tmp_path)
    assert out.returncode == 2, out.stderr
    assert "model-2.json" in out.stderr and not (tmp_path / "out").exists()
    assert list((tmp_path / "tmp").iterdir()) == [] and opa_processes_under(tmp_path) == []


def test_undefined_decision_for_one_bundle_names_it(tmp_path: Path) -> None:
    fleet(tmp_path / "bundles")
    body = 'decision := {"allow": true} if input.bundle.model.version != "v-2"'
    out = batch(tmp_path, "--policy", str(policy_folder(tmp_path, body)))
    assert_failed_cleanly(tmp_path, out)
    assert "no decision for bundle 3 of the batch" in out.stderr
    assert "version v-2" in out.stderr


def test_malformed_decision_is_refused(tmp_path: Path) -> None:
    fleet(tmp_path / "bundles")
    out = batch(tmp_path, "--policy", str(policy_folder(tmp_path, 'decision := "allow"')))
    assert_failed_cleanly(tmp_path, out)
    assert "malformed decision" in out.stderr


def test_server_that_cannot_listen(tmp_path: Path) -> None:
    """A unix socket path longer than the kernel takes: OPA starts, cannot bind, exits."""
    fleet(tmp_path / "bundles")
    deep = tmp_path / "tmp" / ("d" * 110)
    deep.mkdir(parents=True)
    out = batch(tmp_path, tmpdir=deep)
    assert out.returncode == 3, out.stderr
    assert "exited with code 1 before it served the batch" in out.stderr
    assert "bind: invalid argument" in out.stderr and "TMPDIR" in out.stderr
    assert "Traceback" not in out.stderr and not (tmp_path / "out").exists()
    assert list(deep.iterdir()) == [] and opa_processes_under(tmp_path) == []


def test_missing_opa(tmp_path: Path) -> None:
    fleet(tmp_path / "bundles")
    out = batch(tmp_path, "--opa-bin", str(tmp_path / "no-opa"))
    assert_failed_cleanly(tmp_path, out)
    assert "make setup" in out.stderr


def _bundle_file(tmp_path: Path, rego: str) -> Path:
    """A prebuilt policy bundle holding ``rego``, stamped with its content revision, built
    without the gate's capabilities (as a careless or hostile build would)."""
    path = tmp_path / "policy.tar.gz"

    def write(manifest: dict[str, str] | None) -> None:
        with tarfile.open(path, "w:gz") as tar:
            files = {"gate/main.rego": rego.encode()}
            if manifest is not None:
                files[".manifest"] = json.dumps(manifest).encode()
            for name, data in files.items():
                info = tarfile.TarInfo(name)
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))

    write(None)
    write({"revision": content_revision(path)})
    return path


def test_prebuilt_bundle_with_a_forbidden_builtin(tmp_path: Path) -> None:
    """`opa run` takes no capabilities file: the batch checks a prebuilt bundle against the
    restricted capabilities first, so http.send fails as in a single check."""
    fleet(tmp_path / "bundles")
    rego = (
        "package gate.main\n\n"
        'decision := http.send({"method": "get", "url": "http://127.0.0.1:9"}).body\n'
    )
    out = batch(tmp_path, "--policy", str(_bundle_file(tmp_path, rego)))
    assert_failed_cleanly(tmp_path, out)
    assert "capabilities check" in out.stderr and "undefined function http.send" in out.stderr


def test_decision_that_never_comes_times_out(tmp_path: Path) -> None:
    fleet(tmp_path / "bundles", n=2)
    out = batch(tmp_path, "--policy", str(policy_folder(tmp_path, NEVER_ENDS)), "--timeout", "5")
    assert_failed_cleanly(tmp_path, out)
    assert "failed on bundle 1 of the batch" in out.stderr
    assert "did not answer within 5s" in out.stderr


def test_sigterm_mid_batch_kills_the_server_and_removes_its_folder(tmp_path: Path) -> None:
    fleet(tmp_path / "bundles", n=2)
    (tmp_path / "tmp").mkdir()
    gate = subprocess.Popen(
        [sys.executable, "-m", "gate", "check", "--bundle", str(tmp_path / "bundles"),
         "--stage", "merge", "--now", NOW, "--output-dir", str(tmp_path / "out"),
         "--policy", str(policy_folder(tmp_path, NEVER_ENDS))],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
        env={**os.environ, "TMPDIR": str(tmp_path / "tmp")},
    )  # fmt: skip
    try:
        while not opa_processes_under(tmp_path):  # the server is up: the batch is under way
            assert gate.poll() is None, gate.communicate()
            time.sleep(0.05)  # a pause between looks, not a measurement
        gate.send_signal(signal.SIGTERM)
        stdout, stderr = gate.communicate(timeout=60)
    finally:
        gate.kill()
    assert_failed_cleanly(
        tmp_path, subprocess.CompletedProcess([], gate.returncode, stdout, stderr)
    )
    assert "stopped by SIGTERM" in stderr


@pytest.fixture
def started(opa: OpaBinary, policies: PolicySource) -> Iterator[Any]:
    with private_server(opa, policies.built(opa), timeout=5, check_capabilities=False) as server:
        yield server
    assert server.proc.returncode is not None
    assert not server.folder.exists()


def test_server_killed_mid_batch(started: Any) -> None:
    def inputs() -> Iterator[dict[str, Any]]:
        yield policy_input(0)
        started.proc.kill()  # the first answer is in: the batch is half done
        started.proc.wait()
        yield policy_input(1)

    with pytest.raises(EngineError) as info:
        started.evaluate_all(inputs())
    assert f"exited with code {-signal.SIGKILL} while evaluating bundle 2 of the batch" in (
        info.value.message
    )
    assert "version v-1" in info.value.message


def test_server_stopped_mid_batch_times_out(started: Any) -> None:
    def inputs() -> Iterator[dict[str, Any]]:
        yield policy_input(0)
        os.kill(started.proc.pid, signal.SIGSTOP)  # alive, but it will never answer
        yield policy_input(1)

    with pytest.raises(EngineError, match="bundle 2 of the batch .* did not answer within 5s"):
        started.evaluate_all(inputs())


def test_socket_is_private(started: Any) -> None:
    started.evaluate_all([policy_input(0)])  # listening
    assert started.folder.stat().st_mode & 0o777 == 0o700
    assert started.socket.stat().st_mode & 0o777 == 0o600


def test_server_gets_the_scrubbed_environment(started: Any) -> None:
    environ = Path(f"/proc/{started.proc.pid}/environ").read_bytes()
    assert environ.split(b"\0") == [b"TZ=UTC", b""]


def test_small_answers_keep_the_connection(opa: OpaBinary, tmp_path: Path) -> None:
    """A short answer comes with a Content-Length, not chunked: it must still leave the one
    kept-alive connection ready for the next input (the batch's client never retries)."""
    small = PolicySource(policy_folder(tmp_path, 'decision := {"v": input.bundle.model.version}'))
    with private_server(opa, small.built(opa), timeout=5, check_capabilities=False) as server:
        values = server.evaluate_all([policy_input(i) for i in range(3)])
    assert values == [{"v": "v-0"}, {"v": "v-1"}, {"v": "v-2"}]
