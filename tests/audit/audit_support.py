"""Helpers for the audit tests: real decisions from the real OPA, turned into records."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from conftest import NOW, ROOT, asset
from gate.audit.record import (
    CanonicalInput,
    build_record,
    evaluate_with_input,
    policy_info,
    standalone,
)
from gate.engine.local import LocalOpaEngine
from gate.engine.toolchain import OpaBinary
from gate.evidence import bundle_digest, load_bundle
from gate.policy import PolicySource

BUNDLES = ("credit-complete.json", "clinical-complete.json")


def approvals_for(bundle: dict[str, Any], required: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Independent, verified approvals that meet every requirement in ``required``."""
    digest = bundle_digest(bundle)
    out = []
    for req in required:
        for i in range(int(req["count"])):
            role = str(req["role"])
            out.append(
                {
                    "role": role,
                    "login": f"{role.replace('_', '-').replace(':', '-')}-approver-{i + 1}",
                    "via": "review",
                    "url": f"https://github.com/acme/x/pull/7#review-{i}",
                    "at": NOW,
                    "commit_sha": "",
                    "bundle_digest": digest,
                    "team": f"acme/{role}",
                    "verified": True,
                }
            )
    return out


def make_pair(
    opa: OpaBinary,
    policies: PolicySource,
    name: str,
    stage: str,
    *,
    approve: bool = True,
    env: dict[str, str] | None = None,
) -> tuple[dict[str, Any], CanonicalInput]:
    """Evaluate a bundle asset at ``stage``: its decision record and its policy input.

    With ``approve``, the approvals the policy asks for are supplied, so a complete bundle
    is allowed at production too.
    """
    path = asset("bundles", name)
    engine = LocalOpaEngine(opa, policies)
    decision, policy_input = evaluate_with_input(path, stage, engine, now=NOW)
    if approve and decision.required_approvals:
        approvals = approvals_for(load_bundle(path), list(decision.required_approvals))
        decision, policy_input = evaluate_with_input(
            path, stage, engine, now=NOW, approvals=approvals
        )
    info = policy_info(policies, decision.policy_revision)
    record = build_record(decision, policy_input, info, recorded_at=NOW, env=env or {})
    return record, policy_input


def make_record(
    opa: OpaBinary,
    policies: PolicySource,
    name: str,
    stage: str,
    *,
    approve: bool = True,
    env: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Like :func:`make_pair`, as one standalone record file (the input inside)."""
    return standalone(*make_pair(opa, policies, name, stage, approve=approve, env=env))


def run_cli(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> Any:
    """Run ``python -m gate`` as a real process."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "gate", *args],
        capture_output=True,
        text=True,
        cwd=cwd or ROOT,
        env=full_env,
        check=False,
        timeout=120,
    )


def read_lines(path: Path) -> list[bytes]:
    return path.read_bytes().splitlines(keepends=True)


def entry(line: bytes) -> dict[str, Any]:
    value = json.loads(line)
    assert isinstance(value, dict)
    return value
