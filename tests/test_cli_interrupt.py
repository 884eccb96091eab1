"""Ctrl-C in the middle of a check: exit 3 (an engine or infrastructure error), never click's
exit 1, which the exit-code contract reserves for "denied by policy"; no decision written,
no OPA process left. The interrupt is a real SIGINT to a real `mrm-gate check` process
while its real `opa eval` runs a policy that never ends."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

from conftest import NOW, ROOT, asset

# A decision that never comes: OPA walks 10^10 pairs (without collecting them).
NEVER_ENDS = (
    "package gate.main\n\n"
    "r := numbers.range(1, 100000)\n\n"
    "decision := {} if { every i in r { every j in r { i != -j } } }\n"
)


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (from /proc: no library needed)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            fields = (entry / "stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue  # not a process, or gone meanwhile
        if entry.name.isdigit() and int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


def cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""  # gone meanwhile


def running(pid: int) -> bool:
    """Alive, and not a zombie (a killed child whose parent exited first stays one where
    PID 1 does not reap, as in some containers)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_ctrl_c_during_a_check_exits_3_and_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "policy" / "gate").mkdir(parents=True)
    (tmp_path / "policy" / "gate" / "main.rego").write_text(NEVER_ENDS, "utf-8")
    output = tmp_path / "decision.json"
    gate = subprocess.Popen(
        [sys.executable, "-m", "gate", "check", "--bundle",
         str(asset("bundles", "credit-complete.json")), "--stage", "merge", "--now", NOW,
         "--policy", str(tmp_path / "policy"), "--format", "json", "--output", str(output)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
    )  # fmt: skip
    try:
        # Interrupted once the evaluation runs (opa eval, after the bundle build and probes).
        while not any(b"eval" in cmdline(child) for child in children(gate.pid)):
            assert gate.poll() is None, gate.communicate()
            time.sleep(0.05)  # a pause between looks, not a measurement
        opa = children(gate.pid)
        gate.send_signal(signal.SIGINT)
        stdout, stderr = gate.communicate(timeout=60)
    finally:
        gate.kill()
    assert gate.returncode == 3, stdout + stderr
    assert "interrupted before the command finished" in stderr
    assert "Traceback" not in stderr and "Aborted" not in stderr
    assert "allowed" not in (stdout + stderr).lower()
    assert not output.exists()
    assert [pid for pid in opa if running(pid)] == []  # the opa eval was stopped
