"""The local engine against the real OPA binary, and every way it must fail closed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import NOW, load_asset
from gate.decision import Decision
from gate.engine.local import LocalOpaEngine
from gate.engine.toolchain import OpaBinary, find_opa, locate, probe
from gate.errors import EngineError, MalformedDecision, UndefinedDecision
from gate.evidence import bundle_digest
from gate.policy import PolicySource
from gate.policy_input import build_input

VERSION_OK = 'if [ "$1" = version ]; then echo "Version: 1.22.3"; exit 0; fi'


def broken_eval(real: OpaBinary, body: str) -> str:
    """A shell OPA that is the real one for every command but `eval`, which runs ``body``."""
    return f'if [ "$1" != eval ]; then exec "{real.path}" "$@"; fi\n{body}'


def _input(stage: str = "merge") -> dict:
    bundle = load_asset("bundles", "credit-complete.json")
    return build_input(bundle, stage=stage, digest=bundle_digest(bundle), now=NOW)


def _decide(engine: LocalOpaEngine, stage: str = "merge"):  # type: ignore[no-untyped-def]
    policy_input = _input(stage)
    result = engine.evaluate(policy_input)
    return Decision.from_policy(
        result, stage=stage, bundle_digest=policy_input["context"]["bundle_digest"], decided_at=NOW
    )


def test_real_opa_gives_a_decision(opa: OpaBinary, policies: PolicySource) -> None:
    decision = _decide(LocalOpaEngine(opa, policies))
    assert decision.controls, "the compliance matrix must not be empty"
    assert decision.policy_revision.startswith("sha256:")
    assert decision.opa_version == opa.version


def test_locate_prefers_explicit_then_env(opa: OpaBinary, fake_bin, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    other = fake_bin(VERSION_OK, name="other-opa")
    monkeypatch.setenv("MRM_GATE_OPA", other)
    assert locate(opa.path) == opa.path
    assert locate(None) == other


def test_missing_binary_is_an_engine_error(tmp_path: Path) -> None:
    with pytest.raises(EngineError, match="not an executable") as info:
        locate(str(tmp_path / "nope" / "opa"))
    assert info.value.exit_code == 3
    assert "make setup" in info.value.diagnostics()


def test_nothing_found_anywhere(monkeypatch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("MRM_GATE_OPA", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr("gate.engine.toolchain.project_root", lambda: tmp_path)
    with pytest.raises(EngineError, match="OPA binary not found"):
        locate(None)


def test_old_opa_is_refused(fake_bin) -> None:  # type: ignore[no-untyped-def]
    path = fake_bin('echo "Version: 0.70.0"')
    with pytest.raises(EngineError, match="too old"):
        probe(path)


def test_not_opa_is_refused(fake_bin) -> None:  # type: ignore[no-untyped-def]
    path = fake_bin('echo "hello"')
    with pytest.raises(EngineError, match="does not look like OPA"):
        probe(path)


def test_version_probe_failure(fake_bin) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(EngineError, match="exited with 7"):
        probe(fake_bin("exit 7"))


def test_crashing_opa(fake_bin, opa: OpaBinary, policies: PolicySource) -> None:  # type: ignore[no-untyped-def]
    path = fake_bin(broken_eval(opa, 'echo "panic: boom" >&2; exit 2'))
    engine = LocalOpaEngine(probe(path), policies)
    with pytest.raises(EngineError, match="evaluation failed") as info:
        engine.evaluate(_input())
    assert "panic: boom" in info.value.diagnostics()


def test_timing_out_opa(fake_bin, opa: OpaBinary, policies: PolicySource) -> None:  # type: ignore[no-untyped-def]
    path = fake_bin(broken_eval(opa, "exec sleep 30"))
    engine = LocalOpaEngine(probe(path), policies, timeout=0.5)
    with pytest.raises(EngineError, match="did not finish"):
        engine.evaluate(_input())


def test_garbage_output(fake_bin, opa: OpaBinary, policies: PolicySource) -> None:  # type: ignore[no-untyped-def]
    path = fake_bin(broken_eval(opa, 'echo "{{{not json"'))
    with pytest.raises(EngineError, match="not JSON"):
        LocalOpaEngine(probe(path), policies).evaluate(_input())


@pytest.mark.parametrize(
    "stdout",
    [
        "[]",
        '{"result": [{"expressions": []}]}',
        '{"result": "x"}',
        '{"errors": [{"message": "e"}]}',
    ],
)
def test_unexpected_json_shapes(  # type: ignore[no-untyped-def]
    fake_bin, opa: OpaBinary, policies: PolicySource, stdout: str
) -> None:
    path = fake_bin(broken_eval(opa, f"echo '{stdout}'"))
    with pytest.raises(EngineError):
        LocalOpaEngine(probe(path), policies).evaluate(_input())


def _policy_dir(tmp_path: Path, body: str) -> PolicySource:
    pkg = tmp_path / "p"
    pkg.mkdir()
    (pkg / "main.rego").write_text("package gate.main\n\n" + body + "\n", "utf-8")
    return PolicySource(pkg)


def test_undefined_decision_with_real_opa(tmp_path: Path) -> None:
    engine = LocalOpaEngine(find_opa(), _policy_dir(tmp_path, "other := 1"))
    with pytest.raises(UndefinedDecision):
        engine.evaluate(_input())


@pytest.mark.parametrize(
    "body",
    [
        'decision := "allow"',
        'decision := {"allow": "yes", "stage": input.stage}',
        'decision := {"allow": true, "stage": input.stage, "violations": [], "warnings": [], '
        '"waived": [], "controls": [], "required_approvals": []}',
        'decision := {"allow": true, "stage": input.stage, "violations": [{"msg": "x"}], '
        '"warnings": [], "waived": [], "controls": [{"id": "A", "status": "pass"}], '
        '"required_approvals": []}',
        'decision := {"allow": true, "stage": "merge", "violations": [], "warnings": [], '
        '"waived": [], "controls": [{"id": "A", "status": "fail"}], "required_approvals": []}',
        'decision := {"allow": true, "stage": "merge", "violations": [], "warnings": [], '
        '"waived": [], "controls": [{"id": "A", "status": "pass"}], '
        '"required_approvals": [{"role": "validator", "satisfied": false}]}',
        'decision := {"allow": true, "stage": "production", "violations": [], "warnings": [], '
        '"waived": [], "controls": [{"id": "A", "status": "pass"}], "required_approvals": []}',
        # consistent, but silent on the guidance applied
        'decision := {"allow": true, "stage": "merge", "violations": [], "warnings": [], '
        '"waived": [], "controls": [{"id": "A", "status": "pass"}], "required_approvals": []}',
    ],
)
def test_wrong_shape_or_inconsistent_allow_is_refused(tmp_path: Path, body: str) -> None:
    engine = LocalOpaEngine(find_opa(), _policy_dir(tmp_path, body))
    with pytest.raises(MalformedDecision):
        _decide(engine, "merge")


def test_consistent_allow_from_minimal_policy_is_accepted(tmp_path: Path) -> None:
    """The counterpart of the refusals above: a well-formed allow passes the checks."""
    body = (
        'decision := {"allow": true, "stage": input.stage, "violations": [], '
        '"warnings": [], "waived": [], "controls": [{"id": "A", "status": "pass"}], '
        '"required_approvals": [{"role": "validator", "satisfied": true}], '
        '"guidance": {"selected": "SR 26-2", "applied": "SR 26-2", "in_force": "SR 26-2", '
        '"effective_from": "2026-04-17", "effective_until": ""}}'
    )
    decision = _decide(LocalOpaEngine(find_opa(), _policy_dir(tmp_path, body)), "merge")
    assert decision.allow is True


def test_opa_env_var_points_at_missing_file(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("MRM_GATE_OPA", os.devnull + "-missing")
    with pytest.raises(EngineError, match="MRM_GATE_OPA"):
        find_opa()
