"""The pre-commit hooks this repository offers run as written: each entry is executed on
the repository's own policies (clean) and on a file that breaks it."""

from __future__ import annotations

import shlex
import subprocess
from pathlib import Path

import pytest
import yaml

from conftest import ROOT
from gate.engine.toolchain import find_opa

HOOKS = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
POLICY_FILES = sorted(str(p) for p in (ROOT / "policies").rglob("*.rego"))


def run_hook(hook_id: str, files: list[str]) -> subprocess.CompletedProcess[str]:
    argv = shlex.split(HOOKS[hook_id]["entry"])
    argv[0] = find_opa().path if argv[0] == "opa" else argv[0]
    return subprocess.run([*argv, *files], capture_output=True, text=True, cwd=ROOT)


@pytest.mark.parametrize("hook_id", ["opa-fmt", "opa-check"])
def test_rego_hooks_pass_on_the_policies(hook_id: str) -> None:
    result = run_hook(hook_id, POLICY_FILES)
    assert result.returncode == 0, result.stdout + result.stderr


def test_fmt_hook_fails_on_unformatted_rego(tmp_path: Path) -> None:
    bad = tmp_path / "bad.rego"
    bad.write_text("package x\nallow if {   true   }\n", "utf-8")
    result = run_hook("opa-fmt", [str(bad)])
    assert result.returncode != 0 and "bad.rego" in result.stdout


def test_check_hook_fails_on_broken_rego(tmp_path: Path) -> None:
    bad = tmp_path / "bad.rego"
    bad.write_text("package x\nallow if { x := 1 }\n", "utf-8")
    assert run_hook("opa-check", [str(bad)]).returncode != 0


def test_every_hook_names_a_tool_and_its_files() -> None:
    assert set(HOOKS) == {"mrm-gate-evidence", "opa-fmt", "opa-check", "regal-lint"}
    assert HOOKS["mrm-gate-evidence"]["entry"].startswith("mrm-gate collect ")
    assert HOOKS["mrm-gate-evidence"]["pass_filenames"] is False
    for hook in HOOKS.values():
        assert hook["language"] == "system" and hook["files"]
