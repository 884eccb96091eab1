"""The policy set the gate evaluates: a directory of Rego and data, or a built OPA bundle.

The revision of a directory is the sha256 of its policy files (tests excluded), so the same
policies give the same revision on every machine; ``opa build`` stamps that revision into
bundles, which lets a decision name exactly which policies made it.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import tarfile
from dataclasses import dataclass, field
from pathlib import Path

from gate.engine.toolchain import shipped_dir
from gate.errors import EngineError, UsageError

POLICY_SUFFIXES = (".rego", ".json", ".yaml", ".yml")
TEST_GLOB = "*_test.rego"


def default_policy_dir() -> Path:
    """The policies shipped with the gate."""
    return shipped_dir("policies")


def _is_policy_file(path: Path) -> bool:
    return (
        path.is_file()
        and path.suffix in POLICY_SUFFIXES
        and not path.name.endswith("_test.rego")
        and not path.name.startswith(".")
    )


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
                hint="pass --policy DIR or a bundle built with `opa build`",
            )
        if not self.path.is_dir() and not self.is_bundle_file:
            raise UsageError(
                f"policy location is neither a directory nor a .tar.gz bundle: {self.path}"
            )
        for extra in self.data_files:
            if not extra.is_file():
                raise UsageError(f"policy data file not found: {extra}")

    def files(self) -> list[Path]:
        """Policy files that make up the revision, in a stable order."""
        found = sorted(p for p in self.path.rglob("*") if _is_policy_file(p))
        return found + list(self.data_files)

    def revision(self) -> str:
        """``sha256:<hex>`` over relative paths and contents, or the bundle's own revision."""
        if self.is_bundle_file:
            return bundle_revision(self.path)
        digest = hashlib.sha256()
        for path in self.files():
            rel = (
                path.relative_to(self.path).as_posix()
                if path.is_relative_to(self.path)
                else "data/" + path.name
            )
            digest.update(rel.encode("utf-8") + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
        return "sha256:" + digest.hexdigest()

    def eval_args(self) -> list[str]:
        """The ``opa eval``/``opa run`` arguments that load these policies."""
        if self.is_bundle_file:
            args = ["--bundle", str(self.path)]
        else:
            args = ["--data", str(self.path), "--ignore", TEST_GLOB]
        for extra in self.data_files:
            args += ["--data", str(extra)]
        return args


def bundle_revision(path: Path) -> str:
    """Read the revision from a bundle's ``.manifest``."""
    try:
        with tarfile.open(path, "r:gz") as tar:
            for member in tar.getmembers():
                if member.name.lstrip("/") == ".manifest":
                    fh = tar.extractfile(member)
                    if fh is None:
                        break
                    manifest = json.loads(fh.read().decode("utf-8"))
                    rev = manifest.get("revision")
                    if isinstance(rev, str) and rev:
                        return rev
                    break
    except (OSError, tarfile.TarError, ValueError) as exc:
        raise UsageError(f"cannot read policy bundle {path}: {exc}") from exc
    raise UsageError(
        f"policy bundle {path} has no revision in its .manifest",
        hint="build it with `mrm-gate bundle` (opa build --revision ...)",
    )


def build_bundle(opa: str, source: PolicySource, output: Path, timeout: float = 120.0) -> str:
    """Build an OPA bundle of ``source`` with its revision stamped in; return the revision."""
    revision = source.revision()
    cmd = [
        opa,
        "build",
        "--bundle",
        str(source.path),
        "--ignore",
        TEST_GLOB,
        "--revision",
        revision,
        "--output",
        str(output),
    ]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise EngineError(f"`opa build` did not finish within {timeout:g}s") from None
    except OSError as exc:
        raise EngineError(f"cannot run OPA at {opa}: {exc.strerror}") from exc
    if proc.returncode != 0:
        raise EngineError(
            "`opa build` failed",
            detail=proc.stderr or proc.stdout,
            hint="run `make policy` to see the policy errors",
        )
    return revision
