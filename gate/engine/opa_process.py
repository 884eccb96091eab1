"""The one place that runs the OPA binary.

Every ``opa`` subprocess the gate starts goes through :func:`run_opa` (or, for the one that
runs in the background, the batch's private server, :func:`start_opa`), so each gets the
same treatment:

- a scrubbed environment: OPA inherits nothing (no ``GITHUB_TOKEN``, no cloud credentials),
  so no policy and no OPA plug-in can read a secret of the job that runs the gate;
- one timeout, and every failure (missing binary, timeout, non-zero exit) translated into an
  :class:`EngineError` here, once;
- for commands that compile policies, a capabilities file without the builtins that reach
  outside the evaluation (``http.send``, ``net.*``, ``opa.runtime``) or make it
  unrepeatable (``time.now_ns``, ``rand.intn``, ``uuid.rfc4122``): a policy that calls one
  fails to compile, which is an engine error (exit 3), never a decision.

The on-disk cache (probe results, capabilities, built bundles) lives in
:func:`cache_dir`; whoever can write it can change what is evaluated, exactly like whoever
can write the OPA binary, so it belongs to the same user as ``.tools/``.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import subprocess
import tempfile
from pathlib import Path
from typing import IO

from gate.errors import EngineError
from gate.fileio import write_atomic

# Builtins a gate policy may not call. Decisions are a pure function of the policy input
# and the policy data; these would add the network, the process environment or chance.
FORBIDDEN_BUILTINS = frozenset(
    {"http.send", "opa.runtime", "time.now_ns", "rand.intn", "uuid.rfc4122"}
)
FORBIDDEN_PREFIXES = ("net.",)

# OPA is a static Go binary: it needs no environment at all. TZ is pinned so that nothing
# it prints depends on the machine's zone.
SCRUBBED_ENV = {"TZ": "UTC"}

DEFAULT_TIMEOUT = 60.0


def cache_dir() -> Path:
    """Where the gate caches what it learned from OPA (``MRM_GATE_CACHE`` overrides).

    An unwritable cache (a read-only home on a CI runner) costs speed, never the check:
    the gate then caches in a private temporary folder for this process.
    """
    explicit = os.environ.get("MRM_GATE_CACHE")
    if explicit:
        wanted = Path(explicit)
    else:
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        wanted = Path(base) / "mrm-gate"
    try:
        wanted.mkdir(parents=True, exist_ok=True)
        if os.access(wanted, os.W_OK | os.X_OK):
            return wanted
    except OSError:
        pass
    return _private_cache()


@functools.cache
def _private_cache() -> Path:
    return Path(tempfile.mkdtemp(prefix="mrm-gate-cache-"))


def run_opa(
    opa: str,
    args: list[str],
    *,
    what: str,
    stdin: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    hint: str = "run `make policy` to check the policies; the engine output is above",
    cwd: Path | None = None,
) -> str:
    """Run ``opa ARGS`` and return its standard output; raise EngineError on any failure.

    ``what`` names the step for the person reading the error ("evaluation", "bundle
    build", ...).
    """
    try:
        proc = subprocess.run(
            [opa, *args],
            input=stdin,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            env=SCRUBBED_ENV,
            cwd=cwd,
        )
    except subprocess.TimeoutExpired:
        raise EngineError(
            f"OPA {what} did not finish within {timeout:g}s",
            hint="raise --timeout, or look for an expensive rule with `opa eval --profile`",
        ) from None
    except OSError as exc:
        raise EngineError(
            f"cannot run OPA at {opa}: {exc.strerror}",
            hint="run `make setup` or pass --opa-bin",
        ) from None
    if proc.returncode != 0:
        raise EngineError(
            f"OPA {what} failed: `opa {args[0]}` exited with {proc.returncode}",
            detail=(proc.stderr or "") + (proc.stdout or ""),
            hint=hint,
        )
    return proc.stdout


def start_opa(opa: str, args: list[str], *, stderr: IO[bytes]) -> subprocess.Popen[bytes]:
    """Start ``opa ARGS`` in the background with the scrubbed environment; the caller stops
    it and owns its timeouts. A binary that cannot be run is an EngineError here too."""
    try:
        return subprocess.Popen(
            [opa, *args],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            env=SCRUBBED_ENV,
        )
    except OSError as exc:
        raise EngineError(
            f"cannot run OPA at {opa}: {exc.strerror}",
            hint="run `make setup` or pass --opa-bin",
        ) from None


def restricted_capabilities(current: str) -> str:
    """``opa capabilities --current`` output without the forbidden builtins or network."""
    try:
        caps = json.loads(current)
        builtins = caps["builtins"]
    except (ValueError, KeyError, TypeError):
        raise EngineError(
            "`opa capabilities --current` printed no capabilities document",
            detail=current[:500],
        ) from None
    caps["builtins"] = [
        b
        for b in builtins
        if b.get("name") not in FORBIDDEN_BUILTINS
        and not str(b.get("name", "")).startswith(FORBIDDEN_PREFIXES)
    ]
    caps["allow_net"] = []
    return json.dumps(caps, sort_keys=True, separators=(",", ":"))


def capabilities_file(opa: str, version: str) -> Path:
    """The restricted capabilities of this OPA version, written once into the cache."""
    path = cache_dir() / f"capabilities-{version}.json"
    if not path.is_file():
        current = run_opa(opa, ["capabilities", "--current"], what="capabilities listing")
        write_atomic(path, restricted_capabilities(current))
    return path


def file_sha256(path: Path) -> str:
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()
