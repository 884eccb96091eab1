"""Local runs say what they cannot know; a bundle from another repository is flagged;
`version` prints what it knows before failing."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from click.testing import CliRunner

from conftest import NOW, load_asset
from gate.cli import cli

NOT_CI = {"CI": None, "GITHUB_ACTIONS": None, "GITHUB_REPOSITORY": None, "NO_COLOR": None}


def local_bundle(tmp: Path) -> Path:
    """The credit bundle as a collect outside CI and without --github leaves it."""
    bundle = load_asset("bundles", "credit-complete.json")
    bundle["collected"]["ci"] = {"provider": "local"}
    for key in ("required_checks", "tests_passed", "author_ids", "ci_run_id", "ci_commit_sha"):
        bundle["change"].pop(key, None)
    bundle["security"].pop("branch_protection", None)
    path = tmp / "bundle.json"
    path.write_text(json.dumps(bundle), "utf-8")
    return path


def check(bundle: Path, *args: str, cwd: Path | None = None) -> tuple[int, str, str]:
    env = {**NOT_CI, "GITHUB_WORKSPACE": str(cwd) if cwd else None}
    result = CliRunner().invoke(
        cli, ["check", "--bundle", str(bundle), "--stage", "merge", "--now", NOW, *args], env=env
    )
    return result.exit_code, result.stdout, result.stderr


def test_a_local_run_says_what_it_cannot_know(tmp_path: Path) -> None:
    code, out, _ = check(local_bundle(tmp_path))
    assert code == 1
    assert "local run (no CI, no GitHub facts)" in out
    fixes = out[out.index("To fix") : out.index("control ")]
    assert "cannot be known in a local run (no CI, no GitHub facts)" in fixes
    # the policy's fix for branch protection is not offered as if it were the problem
    assert "$.security.branch_protection" in fixes
    _, md, _ = check(local_bundle(tmp_path), "--format", "markdown")
    assert "Local run (no CI, no GitHub facts)" in md


def test_a_ci_bundle_is_not_called_local() -> None:
    code, out, _ = check(Path(__file__).parents[1] / "assets" / "bundles" / "credit-complete.json")
    assert code == 0 and "local run" not in out


def test_a_bundle_from_another_repository_is_flagged(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run(
        ["git", "-C", str(repo), "-c", "user.email=a@example.com", "-c", "user.name=A",
         "commit", "-q", "--allow-empty", "-m", "x"], check=True,
    )  # fmt: skip
    bundle = Path(__file__).parents[1] / "assets" / "bundles" / "credit-complete.json"
    commit = load_asset("bundles", "credit-complete.json")["collected"]["git"]["commit"]
    _, out, err = check(bundle, cwd=repo)
    assert f"warning: this bundle was collected at commit {commit[:12]} of " in out
    assert "acme-bank/credit-pd-retail" in out and "another repository" in out
    _, doc, err = check(bundle, "--format", "json", cwd=repo)
    assert json.loads(doc)["bundle_digest"] and err == ""  # the record stays clean JSON


def test_version_prints_the_gate_before_failing_on_a_missing_opa(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["version", "--opa-bin", str(tmp_path / "no-opa")])
    assert result.exit_code == 3
    doc = json.loads(result.stdout)
    assert doc["mrm_gate"] and doc["opa"] is None and doc["opa_pinned"].startswith("v")
    assert "Traceback" not in result.stderr and "make setup" in result.stderr
