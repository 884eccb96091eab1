"""The README's Quick start runs as written, for both examples, in a copy of this
repository (its tracked files, one commit), with this checkout's .venv and .tools."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from conftest import ROOT

EXAMPLES = ("credit-scorecard", "clinical-triage")


def quick_start_block() -> str:
    text = (ROOT / "README.md").read_text("utf-8")
    section = text[text.index("## Quick start") :]
    start = section.index("```sh\n") + len("```sh\n")
    return section[start : section.index("```", start)]


def copy_of_repository(dest: Path) -> Path:
    listed = subprocess.run(
        ["git", "-C", str(ROOT), "ls-files", "-z"], capture_output=True, check=True
    ).stdout.decode()
    for rel in filter(None, listed.split("\0")):
        source, target = ROOT / rel, dest / rel
        if not source.exists() and not source.is_symlink():
            continue  # deleted in the work tree, not yet committed
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target, follow_symlinks=False)
    for tool in (".venv", ".tools"):
        (dest / tool).symlink_to(ROOT / tool)
    subprocess.run(["git", "init", "-q", str(dest)], check=True)
    subprocess.run(["git", "-C", str(dest), "add", "-A"], check=True)
    subprocess.run(
        ["git", "-C", str(dest), "-c", "user.email=dev@example.com", "-c", "user.name=Dev",
         "commit", "-q", "-m", "checkout"], check=True,
    )  # fmt: skip
    return dest


def test_quick_start_runs_as_written_for_both_examples(tmp_path: Path) -> None:
    repo = copy_of_repository(tmp_path / "mrm-gate")
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("GITHUB_", "MRM_GATE_")) and k not in ("CI", "VIRTUAL_ENV")
    }
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", quick_start_block()],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    for example in EXAMPLES:
        assert (repo / "out" / example / "bundle.json").is_file()
        assert f"{example}: denied (exit 1)" in done.stdout
    assert done.stdout.count("DENIED at stage merge") == len(EXAMPLES)
    assert done.stdout.count("local run (no CI, no GitHub facts): facts only") == len(EXAMPLES)
    assert "cannot be known in a local run (no CI, no GitHub facts)" in done.stdout
    assert "Traceback" not in done.stderr
