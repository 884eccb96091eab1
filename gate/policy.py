"""The policy set the gate evaluates: a directory of Rego and data, or a built OPA bundle.

What is hashed is what is evaluated: a directory is always built into an OPA bundle first
(``opa build``, with the gate's restricted capabilities), the bundle is what OPA evaluates,
and the policy revision is the sha256 over the files inside that bundle. Whatever OPA's
loader picks up (hidden ``.x.json`` files, symlinked folders, YAML data) is therefore in
the revision; nothing the gate filters itself can drift from what OPA loads. The build runs
from inside the directory, so the same policies give the same revision on every machine.

Builds are cached on the content of every file under the directory (followed through
symlinks), the extra data files, the OPA version and the capabilities, so a repeated check
pays only for that hash. The revision of a cached build is kept beside it with the sha256 of
the bundle's bytes, so a repeated check hashes one file instead of unpacking the bundle, and
a bundle changed after its record is hashed afresh (the revision names what OPA evaluates).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from gate.engine.opa_process import cache_dir, capabilities_file, run_opa
from gate.engine.toolchain import OpaBinary, find_opa, shipped_dir
from gate.errors import EngineError, UsageError

TEST_GLOB = "*_test.rego"
# Bump when the build arguments change, so old cache entries are never reused.
BUILD_FORMAT = "mrm-gate-build-1"
# Files of a bundle that describe it rather than being evaluated.
BUNDLE_META_FILES = frozenset({".manifest", ".signatures.json"})
_RECORD = re.compile(r"(sha256:[0-9a-f]{64}) ([0-9a-f]{64})")


def default_policy_dir() -> Path:
    """The policies shipped with the gate."""
    return shipped_dir("policies")


@dataclass(frozen=True)
class BuiltPolicy:
    """A bundle OPA evaluates and the revision of its content."""

    path: Path
    revision: str


@dataclass(frozen=True)
class PolicySource:
    """Where policies come from. ``path`` is a directory or a ``.tar.gz`` bundle."""

    path: Path
    data_files: tuple[Path, ...] = field(default_factory=tuple)

    @property
    def is_bundle_file(self) -> bool:
        return self.path.is_file() and self.path.name.endswith((".tar.gz", ".tgz"))

    def check(self) -> None:
        """Fail early, as a usage error, when the policy location is unusable."""
        if not self.path.exists():
            raise UsageError(
                f"policy location not found: {self.path}",
                hint="pass --policy DIR or a bundle built with `mrm-gate bundle`",
            )
        if not self.path.is_dir() and not self.is_bundle_file:
            raise UsageError(
                f"policy location is neither a directory nor a .tar.gz bundle: {self.path}"
            )
        if self.is_bundle_file and self.data_files:
            raise UsageError(
                "--data cannot be added to a prebuilt bundle",
                hint="build the bundle with the data: `mrm-gate bundle --policy DIR --data FILE`",
            )
        for extra in self.data_files:
            if not extra.is_file():
                raise UsageError(f"policy data file not found: {extra}")

    def built(self, opa: OpaBinary | None = None) -> BuiltPolicy:
        """The bundle OPA evaluates for this source, built (or found in the cache)."""
        if self.is_bundle_file:
            return BuiltPolicy(self.path, verified_bundle_revision(self.path))
        return build_cached(opa or find_opa(), self)

    def revision(self, opa: OpaBinary | None = None) -> str:
        """``sha256:<hex>`` over the files of the bundle OPA evaluates."""
        return self.built(opa).revision


def content_revision(bundle: Path) -> str:
    """sha256 over the names and contents of a bundle's files, its metadata excluded."""
    entries: list[tuple[str, bytes]] = []
    try:
        with tarfile.open(bundle, "r:gz") as tar:
            for member in tar.getmembers():
                name = member.name.lstrip("/")
                if not member.isfile() or name in BUNDLE_META_FILES:
                    continue
                fh = tar.extractfile(member)
                if fh is None:
                    continue
                entries.append((name, hashlib.sha256(fh.read()).digest()))
    except (OSError, tarfile.TarError, EOFError) as exc:
        raise UsageError(f"cannot read policy bundle {bundle}: {exc}") from exc
    if not entries:
        raise UsageError(f"policy bundle {bundle} holds no policy files")
    digest = hashlib.sha256()
    for name, content in sorted(entries):
        digest.update(name.encode("utf-8") + b"\0" + content)
    return "sha256:" + digest.hexdigest()


def manifest_revision(bundle: Path) -> str:
    """The revision stamped in a bundle's ``.manifest`` ("" when it has none)."""
    try:
        with tarfile.open(bundle, "r:gz") as tar:
            for member in tar.getmembers():
                if member.name.lstrip("/") == ".manifest":
                    fh = tar.extractfile(member)
                    manifest = json.loads(fh.read().decode("utf-8")) if fh else {}
                    rev = manifest.get("revision") if isinstance(manifest, dict) else None
                    return rev if isinstance(rev, str) else ""
    except (OSError, tarfile.TarError, EOFError, ValueError) as exc:
        raise UsageError(f"cannot read policy bundle {bundle}: {exc}") from exc
    return ""


def verified_bundle_revision(bundle: Path) -> str:
    """The content revision of a prebuilt bundle, which must match its stamped revision."""
    revision = content_revision(bundle)
    stamped = manifest_revision(bundle)
    if stamped != revision:
        raise UsageError(
            f"policy bundle {bundle} says revision {stamped or '(none)'} but its files hash "
            f"to {revision}",
            hint="the bundle was changed after it was built, or not built by the gate; "
            "rebuild it with `mrm-gate bundle`",
        )
    return revision


def _source_key(opa: OpaBinary, source: PolicySource, capabilities: Path) -> str:
    """A hash of everything a build depends on: every file OPA could load, and the tools."""
    digest = hashlib.sha256()
    for part in (BUILD_FORMAT, opa.version, capabilities.read_text("utf-8")):
        digest.update(part.encode("utf-8") + b"\0")
    for rel, path in _every_file(source.path):
        digest.update(b"f\0" + rel.encode("utf-8") + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    for extra in source.data_files:
        digest.update(b"d\0" + hashlib.sha256(extra.read_bytes()).digest())
    return digest.hexdigest()


def _every_file(root: Path) -> list[tuple[str, Path]]:
    """Every regular file under ``root``, through symlinked folders, cycles visited once."""
    found: list[tuple[str, Path]] = []
    seen: set[str] = set()
    for dirpath, dirnames, filenames in os.walk(root, followlinks=True):
        real = os.path.realpath(dirpath)
        if real in seen:
            dirnames[:] = []
            continue
        seen.add(real)
        dirnames.sort()
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if path.is_file():
                found.append((path.relative_to(root).as_posix(), path))
    return found


def build_cached(opa: OpaBinary, source: PolicySource, timeout: float = 120.0) -> BuiltPolicy:
    """Build ``source`` into a bundle stamped with its content revision, via the cache."""
    capabilities = capabilities_file(opa.path, opa.version)
    key = _source_key(opa, source, capabilities)
    cached = cache_dir() / "bundles" / f"{key}.tar.gz"
    recorded = cached.with_name(f"{key}.revision")
    if cached.is_file():
        return BuiltPolicy(cached, _cached_revision(cached, recorded))
    cached.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cached.parent) as tmp:
        first = Path(tmp) / "unstamped.tar.gz"
        _opa_build(opa, source, capabilities, first, "", timeout)
        revision = content_revision(first)
        stamped = Path(tmp) / "stamped.tar.gz"
        _opa_build(opa, source, capabilities, stamped, revision, timeout)
        if content_revision(stamped) != revision:
            raise EngineError("`opa build` gave different files for the same policies")
        _record_revision(recorded, revision, stamped)
        os.replace(stamped, cached)
    return BuiltPolicy(cached, revision)


def _cached_revision(bundle: Path, recorded: Path) -> str:
    """The revision recorded beside a cached build when the record names these very bundle
    bytes; otherwise the bundle's own files are hashed (and checked against its stamp)."""
    try:
        record = _RECORD.fullmatch(recorded.read_text("utf-8").strip())
        file_hash = _file_sha256(bundle)
    except OSError:
        record = None
    if record and record.group(2) == file_hash:
        return record.group(1)
    revision = verified_bundle_revision(bundle)
    _record_revision(recorded, revision, bundle)
    return revision


def _file_sha256(path: Path) -> str:
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def _record_revision(path: Path, revision: str, bundle: Path) -> None:
    from gate.fileio import write_atomic

    try:
        write_atomic(path, f"{revision} {_file_sha256(bundle)}\n")
    except OSError:
        pass  # an unwritable cache only costs hashing the bundle again next time


def _opa_build(
    opa: OpaBinary,
    source: PolicySource,
    capabilities: Path,
    output: Path,
    revision: str,
    timeout: float,
) -> None:
    args = ["build", ".", "--ignore", TEST_GLOB, "--capabilities", str(capabilities)]
    args += [str(extra.resolve()) for extra in source.data_files]
    args += ["--output", str(output.resolve())]
    if revision:
        args += ["--revision", revision]
    run_opa(opa.path, args, what="bundle build", timeout=timeout, cwd=source.path.resolve())
    if not output.is_file():
        raise EngineError(f"`opa build` reported success but wrote no bundle at {output}")


def build_bundle(opa: str, source: PolicySource, output: Path, timeout: float = 120.0) -> str:
    """Write the bundle of ``source`` (stamped with its revision) to ``output``."""
    from gate.engine.toolchain import probe
    from gate.fileio import write_atomic

    built = build_cached(probe(opa), source, timeout)
    write_atomic(output, built.path.read_bytes())
    return built.revision


__all__ = [
    "BuiltPolicy",
    "PolicySource",
    "build_bundle",
    "build_cached",
    "content_revision",
    "default_policy_dir",
]
