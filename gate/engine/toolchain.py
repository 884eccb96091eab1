"""Finding the OPA binary and proving it is a usable version."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from gate.engine.opa_process import cache_dir, run_opa
from gate.errors import EngineError
from gate.fileio import write_atomic

MIN_MAJOR = 1
_VERSION_RE = re.compile(r"^Version:\s*v?(\d+)\.(\d+)\.(\d+)\S*\s*$", re.MULTILINE)
INSTALL_HINT = (
    "run `make setup` (installs the pinned OPA into .tools/bin), or install OPA >= 1.0 and "
    "pass --opa-bin PATH or set MRM_GATE_OPA"
)


def pinned_version() -> str:
    """The OPA version this release of the gate is tested with (e.g. ``v1.22.3``)."""
    return resources.files("gate").joinpath("OPA_VERSION").read_text("utf-8").strip()


def shipped_dir(name: str) -> Path:
    """A directory of data shipped inside the ``gate`` package (``policies``, ``schemas``).

    Read through ``importlib.resources`` so that an installed wheel finds its own copy; in a
    checkout ``gate/policies`` and ``gate/schemas`` are symlinks to the top-level directories
    that policy authors edit. OPA needs a real directory, so a zipped install is refused.
    """
    found = resources.files("gate").joinpath(name)
    if not isinstance(found, Path) or not found.is_dir():
        raise EngineError(
            f"the gate's package data `{name}` is not a directory on disk ({found})",
            hint="install mrm-gate from its wheel with pip (not zipped), or run from a checkout",
        )
    return found.resolve()


def project_root() -> Path:
    """The checkout the gate runs from (where ``.tools/`` lives, if it is a checkout)."""
    return Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class OpaBinary:
    """A located OPA executable and the version it reported."""

    path: str
    version: str


def locate(explicit: str | None = None) -> str:
    """Find OPA: ``--opa-bin``, then ``MRM_GATE_OPA``, then ``.tools/bin``, then PATH."""
    candidates: list[tuple[str, str]] = []
    if explicit:
        candidates.append(("--opa-bin", explicit))
    env = os.environ.get("MRM_GATE_OPA")
    if env:
        candidates.append(("MRM_GATE_OPA", env))
    if candidates:
        source, value = candidates[0]
        found = shutil.which(value) if os.sep not in value else value
        if not found or not os.path.isfile(found) or not os.access(found, os.X_OK):
            raise EngineError(
                f"OPA binary given by {source} is not an executable file: {value}",
                hint=INSTALL_HINT,
            )
        return found
    tools = project_root() / ".tools" / "bin" / "opa"
    if tools.is_file() and os.access(tools, os.X_OK):
        return str(tools)
    on_path = shutil.which("opa")
    if on_path:
        return on_path
    raise EngineError(
        "OPA binary not found (looked at --opa-bin, MRM_GATE_OPA, .tools/bin, PATH)",
        hint=INSTALL_HINT,
    )


def probe(path: str, timeout: float = 20.0) -> OpaBinary:
    """Run ``opa version`` and refuse anything that is not OPA >= 1.0.

    The answer is cached on the binary's identity (real path, size, modification time,
    inode): the probe costs a process start on every check otherwise.
    """
    key = _binary_identity(path)
    cached = _probe_cache(key)
    if key and cached.is_file():
        version = cached.read_text("utf-8").strip()
        if re.fullmatch(r"\d+\.\d+\.\d+", version):
            return OpaBinary(path=path, version=version)
    stdout = run_opa(path, ["version"], what="`version` probe", timeout=timeout, hint=INSTALL_HINT)
    match = _VERSION_RE.search(stdout)
    if not match:
        raise EngineError(
            f"{path} does not look like OPA: `version` printed no version line",
            hint=INSTALL_HINT,
            detail=stdout[:500],
        )
    major, minor, patch = (int(g) for g in match.groups())
    if major < MIN_MAJOR:
        raise EngineError(
            f"OPA {major}.{minor}.{patch} at {path} is too old: the policies need OPA >= 1.0 "
            f"(tested with {pinned_version()})",
            hint=INSTALL_HINT,
        )
    version = f"{major}.{minor}.{patch}"
    if key:
        try:
            write_atomic(cached, version + "\n")
        except OSError:
            pass  # an unwritable cache only costs the next probe
    return OpaBinary(path=path, version=version)


def _binary_identity(path: str) -> str:
    try:
        real = os.path.realpath(path)
        st = os.stat(real)
    except OSError:
        return ""
    return f"{real}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ino}"


def _probe_cache(key: str) -> Path:
    return cache_dir() / "probe" / hashlib.sha256(key.encode("utf-8")).hexdigest()


def find_opa(explicit: str | None = None) -> OpaBinary:
    """Locate and probe OPA in one step."""
    return probe(locate(explicit))
