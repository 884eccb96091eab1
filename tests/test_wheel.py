"""A wheel built from the repository is a working gate on its own.

The wheel is built from a copy of the working tree (without the venv, OPA and caches),
installed without its sources into a fresh virtual environment outside the checkout, and
run from a directory that is not the checkout: the policies and schemas it evaluates with
must be the ones the wheel carries. The dependencies come from the development venv through
a path entry, so nothing is downloaded; the wheel itself is installed with --no-index.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

from conftest import NOW, ROOT, asset
from gate.engine.toolchain import OpaBinary

NOT_SOURCES = shutil.ignore_patterns(
    ".git", ".venv", ".tools", "build", "dist", "*.egg-info", "__pycache__", ".*_cache", "out"
)


def run(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, f"{cmd} exited {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv outside the checkout with only the built wheel of mrm-gate in it."""
    base = tmp_path_factory.mktemp("wheel")
    assert not base.resolve().is_relative_to(ROOT.resolve())
    source = base / "src"
    shutil.copytree(ROOT, source, symlinks=True, ignore=NOT_SOURCES)
    dist = base / "dist"
    run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--wheel-dir",
            str(dist),
            str(source),
        ],
        cwd=base,
    )
    (wheel,) = dist.glob("mrm_gate-*.whl")
    target = base / "venv"
    venv.create(target, with_pip=True)
    python = target / "bin" / "python"
    run([str(python), "-m", "pip", "install", "--no-index", "--no-deps", str(wheel)], cwd=base)
    site = run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], cwd=base
    ).strip()
    # After the install, so pip never sees the development copy of mrm-gate.
    Path(site, "dev-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return target


def clean_env(opa: OpaBinary) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env["MRM_GATE_OPA"] = opa.path
    return env


def test_the_installed_gate_reads_its_own_policies_and_schemas(
    installed: Path, opa: OpaBinary, tmp_path: Path
) -> None:
    code = (
        "import gate.cli, gate.policy, gate.evidence;"
        "print(gate.policy.default_policy_dir()); print(gate.evidence.schema_dir())"
    )
    out = run([str(installed / "bin" / "python"), "-c", code], tmp_path, clean_env(opa))
    policy_dir, schema_dir = (Path(line) for line in out.splitlines())
    for shipped in (policy_dir, schema_dir):
        assert shipped.is_relative_to(installed), shipped
    assert (schema_dir / "evidence-bundle.schema.json").is_file()
    assert sorted(p.relative_to(policy_dir) for p in policy_dir.rglob("*.rego")) == sorted(
        p.relative_to(ROOT / "policies") for p in (ROOT / "policies").rglob("*.rego")
    )


@pytest.mark.parametrize(
    ("stage", "exit_code", "verdict"),
    [
        ("merge", 0, "ALLOWED"),
        ("production", 1, "DENIED"),
    ],
)
def test_the_installed_gate_checks_an_example_bundle(
    installed: Path, opa: OpaBinary, tmp_path: Path, stage: str, exit_code: int, verdict: str
) -> None:
    bundle = tmp_path / "bundle.json"
    shutil.copy(asset("bundles", "credit-complete.json"), bundle)
    proc = subprocess.run(
        [
            str(installed / "bin" / "mrm-gate"),
            "check",
            "--bundle",
            str(bundle),
            "--stage",
            stage,
            "--now",
            NOW,
        ],
        cwd=tmp_path,
        env=clean_env(opa),
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == exit_code, proc.stdout + proc.stderr
    assert verdict in proc.stdout


def test_every_runtime_dependency_is_pinned_for_the_action() -> None:
    """action.yml installs with constraints.txt: a dependency missing there is unpinned."""
    from importlib import metadata

    from packaging.requirements import Requirement

    pins = {
        line.split("==")[0].lower()
        for line in (ROOT / "constraints.txt").read_text("utf-8").splitlines()
        if "==" in line and not line.startswith("#")
    }
    seen: set[str] = set()
    visited: set[tuple[str, frozenset[str]]] = set()
    todo = [(Requirement(r), frozenset[str]()) for r in metadata.requires("mrm-gate") or []]
    while todo:
        req, extras = todo.pop()
        name = req.name.lower().replace("_", "-")
        wanted = req.marker is None or any(
            req.marker.evaluate({"extra": extra}) for extra in ("", *extras)
        )
        if not wanted or (name, frozenset(req.extras)) in visited:
            continue
        visited.add((name, frozenset(req.extras)))
        seen.add(name)
        todo += [(Requirement(r), frozenset(req.extras)) for r in metadata.requires(req.name) or []]
    assert sorted(seen - pins) == []
