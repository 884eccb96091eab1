"""The command line: exit codes, formats, and fail-closed paths end to end."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from jsonschema import Draft202012Validator

from conftest import NOW, ROOT, OpaServer, asset, free_port
from gate.cli import cli

CREDIT = str(asset("bundles", "credit-complete.json"))


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_merge_is_allowed_with_exit_0() -> None:
    code, out, err = run("check", "--bundle", CREDIT, "--stage", "merge", "--now", NOW)
    assert code == 0, out + err
    assert "ALLOWED" in out


def test_production_is_denied_with_exit_1_and_instructions() -> None:
    code, out, _ = run("check", "--bundle", CREDIT, "--stage", "production", "--now", NOW)
    assert code == 1
    assert "DENIED" in out
    assert "/approve validator" in out


def test_json_output_matches_decision_schema(tmp_path: Path) -> None:
    target = tmp_path / "decision.json"
    code, _, _ = run(
        "check",
        "--bundle",
        CREDIT,
        "--stage",
        "production",
        "--now",
        NOW,
        "--format",
        "json",
        "--output",
        str(target),
    )
    assert code == 1
    doc = json.loads(target.read_text("utf-8"))
    schema = json.loads((ROOT / "schemas" / "decision.schema.json").read_text("utf-8"))
    errors = list(Draft202012Validator(schema).iter_errors(doc))
    assert errors == []
    assert doc["allow"] is False
    assert doc["decided_at"] == NOW


def test_markdown_output() -> None:
    code, out, _ = run(
        "check", "--bundle", CREDIT, "--stage", "production", "--now", NOW, "--format", "markdown"
    )
    assert code == 1
    assert "Approvals still needed" in out


def test_invalid_evidence_exits_2_naming_file_and_path(tmp_path: Path) -> None:
    bad = json.loads(Path(CREDIT).read_text("utf-8"))
    bad["model"]["risk_tier"] = "extreme"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad), "utf-8")
    code, out, err = run("check", "--bundle", str(path), "--stage", "merge", "--now", NOW)
    assert code == 2
    assert str(path) in err and "$.model.risk_tier" in err
    assert "ALLOWED" not in out


def test_forged_approvals_in_bundle_are_rejected(tmp_path: Path) -> None:
    forged = json.loads(Path(CREDIT).read_text("utf-8"))
    forged["approvals"] = [{"role": "validator", "login": "vera-validator"}]
    path = tmp_path / "forged.json"
    path.write_text(json.dumps(forged), "utf-8")
    code, _, err = run("check", "--bundle", str(path), "--stage", "production", "--now", NOW)
    assert code == 2
    assert "approvals" in err


def test_missing_bundle_exits_2(tmp_path: Path) -> None:
    code, _, err = run("check", "--bundle", str(tmp_path / "none.json"), "--stage", "merge")
    assert code == 2
    assert "not found" in err


def test_unknown_stage_is_usage_error() -> None:
    code, _, _ = run("check", "--bundle", CREDIT, "--stage", "prod")
    assert code == 2


def test_missing_opa_exits_3(tmp_path: Path) -> None:
    code, out, err = run(
        "check", "--bundle", CREDIT, "--stage", "merge", "--opa-bin", str(tmp_path / "no-opa")
    )
    assert code == 3
    assert "make setup" in err
    assert "ALLOWED" not in out


def test_server_down_exits_3() -> None:
    code, out, err = run(
        "check",
        "--bundle",
        CREDIT,
        "--stage",
        "merge",
        "--opa-url",
        f"http://127.0.0.1:{free_port()}",
        "--timeout",
        "1",
    )
    assert code == 3
    assert "cannot reach" in err
    assert "ALLOWED" not in out


def test_server_engine_allows_merge(opa_server: OpaServer) -> None:
    code, out, _ = run(
        "check", "--bundle", CREDIT, "--stage", "merge", "--now", NOW, "--opa-url", opa_server.url
    )
    assert code == 0
    assert "server engine" in out


def test_server_check_of_a_prebuilt_bundle_needs_no_local_opa(
    opa_server: OpaServer, policy_bundle: Path, tmp_path: Path
) -> None:
    """The bundle the server runs carries its revision, so a check against the server
    never looks for OPA: an --opa-bin that does not exist (exit 3 for a local check)
    changes nothing."""
    missing = str(tmp_path / "no-opa")
    code, out, err = run(
        "check", "--bundle", CREDIT, "--stage", "merge", "--now", NOW, "--opa-url",
        opa_server.url, "--policy", str(policy_bundle), "--opa-bin", missing,
    )  # fmt: skip
    assert code == 0, err
    assert "ALLOWED" in out and "server engine" in out


def test_server_check_of_a_policy_directory_still_needs_the_local_opa(
    opa_server: OpaServer, tmp_path: Path
) -> None:
    """A directory's revision, which the server must prove it runs, comes from building it
    with the local OPA: without one the check fails closed."""
    code, out, err = run(
        "check", "--bundle", CREDIT, "--stage", "merge", "--now", NOW, "--opa-url",
        opa_server.url, "--opa-bin", str(tmp_path / "no-opa"),
    )  # fmt: skip
    assert code == 3
    assert "make setup" in err
    assert "ALLOWED" not in out


def test_broken_policy_dir_exits_3(tmp_path: Path) -> None:
    (tmp_path / "bad.rego").write_text("package gate.main\n\ndecision := {", "utf-8")
    code, _, err = run("check", "--bundle", CREDIT, "--stage", "merge", "--policy", str(tmp_path))
    assert code == 3
    assert "rego_parse_error" in err


def test_policy_data_override_changes_the_decision(tmp_path: Path) -> None:
    """Thresholds are data: an organisation's override file reaches the policies."""
    override = tmp_path / "override.json"
    override.write_text(
        json.dumps(
            {"gate": {"overrides": {"tiers": {"high": {"production_approvers": {"validator": 2}}}}}}
        ),
        "utf-8",
    )

    def validators_needed(*extra: str) -> int:
        code, out, _ = run(
            "check",
            "--bundle",
            CREDIT,
            "--stage",
            "production",
            "--now",
            NOW,
            "--format",
            "json",
            *extra,
        )
        assert code == 1
        reqs = json.loads(out)["required_approvals"]
        return next(r["count"] for r in reqs if r["role"] == "validator")

    assert validators_needed() == 1
    assert validators_needed("--data", str(override)) == 2


def test_version_command() -> None:
    code, out, _ = run("version")
    assert code == 0
    doc = json.loads(out)
    assert doc["opa"].startswith("1.")
    assert doc["policy_revision"].startswith("sha256:")


def test_bundle_command_builds_a_pinned_bundle(tmp_path: Path) -> None:
    out_path = tmp_path / "p.tar.gz"
    code, out, _ = run("bundle", "--output", str(out_path))
    assert code == 0 and out_path.is_file()
    code, _, _ = run(
        "check", "--bundle", CREDIT, "--stage", "merge", "--now", NOW, "--policy", str(out_path)
    )
    assert code == 0


@pytest.mark.parametrize(("stage", "expected"), [("merge", 0), ("production", 1)])
def test_console_script_exit_codes(stage: str, expected: int) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "gate", "check", "--bundle", CREDIT, "--stage", stage, "--now", NOW],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == expected, proc.stderr


def test_lazy_command_table_matches_the_modules() -> None:
    """Every command a module registers is in LAZY_COMMANDS under that module, and back."""
    import importlib

    import click

    from gate.cli.root import LAZY_COMMANDS

    found: dict[str, str] = {}
    for module in sorted(set(LAZY_COMMANDS.values())):
        holder = click.Group()
        importlib.import_module(module).register(holder)
        found.update(dict.fromkeys(holder.commands, module))
    assert found == LAZY_COMMANDS


def test_check_does_not_import_the_other_commands() -> None:
    code = (
        "import sys; from click.testing import CliRunner; from gate.cli import cli; "
        f"r = CliRunner().invoke(cli, ['check', '--bundle', {CREDIT!r}, '--stage', 'merge', "
        f"'--now', {NOW!r}]); "
        "assert r.exit_code == 0, r.output; "
        "heavy = {'gate.monitor', 'gate.audit', 'gate.collect', 'github', 'numpy'}; "
        "assert not heavy & set(sys.modules), heavy & set(sys.modules); "
        "h = CliRunner().invoke(cli, ['--help']); "
        "assert 'monitor' in h.output and 'ledger' in h.output, h.output"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
