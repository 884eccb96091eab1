"""The local engine: ``opa eval`` as a subprocess, the input as JSON on stdin."""

from __future__ import annotations

import json
import subprocess
from typing import Any

from gate.engine.interface import DECISION_QUERY, EngineResult
from gate.engine.toolchain import OpaBinary
from gate.errors import EngineError, UndefinedDecision
from gate.policy import PolicySource


class LocalOpaEngine:
    """Evaluate with the OPA binary. Any failure raises :class:`EngineError`."""

    name = "local"

    def __init__(
        self,
        opa: OpaBinary,
        policies: PolicySource,
        *,
        timeout: float = 60.0,
        query: str = DECISION_QUERY,
    ) -> None:
        self.opa = opa
        self.policies = policies
        self.timeout = timeout
        self.query = query
        self._revision: str | None = None

    @property
    def revision(self) -> str:
        if self._revision is None:
            self._revision = self.policies.revision()
        return self._revision

    def command(self) -> list[str]:
        return [
            self.opa.path,
            "eval",
            "--format",
            "json",
            "--stdin-input",
            *self.policies.eval_args(),
            self.query,
        ]

    def evaluate(self, policy_input: dict[str, Any]) -> EngineResult:
        payload = json.dumps(policy_input, allow_nan=False)
        try:
            proc = subprocess.run(
                self.command(),
                input=payload,
                capture_output=True,
                text=True,
                timeout=self.timeout,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise EngineError(
                f"OPA did not finish evaluating within {self.timeout:g}s",
                hint="raise --timeout, or look for an expensive rule with `opa eval --profile`",
            ) from None
        except OSError as exc:
            raise EngineError(
                f"cannot run OPA at {self.opa.path}: {exc.strerror}",
                hint="run `make setup` or pass --opa-bin",
            ) from exc
        if proc.returncode != 0:
            raise EngineError(
                f"OPA evaluation failed (exit {proc.returncode})",
                detail=(proc.stderr or "") + (proc.stdout or ""),
                hint="run `make policy` to check the policies; the engine output is above",
            )
        value = parse_eval_output(proc.stdout, proc.stderr)
        return EngineResult(
            value=value,
            engine=self.name,
            opa_version=self.opa.version,
            policy_revision=self.revision,
        )


def parse_eval_output(stdout: str, stderr: str = "") -> Any:
    """Extract the single expression value from ``opa eval --format json`` output."""
    try:
        doc = json.loads(stdout)
    except ValueError:
        raise EngineError(
            "OPA printed output that is not JSON",
            detail=stdout[:1000] + stderr[:1000],
            hint="check that --opa-bin points at a real OPA binary",
        ) from None
    if not isinstance(doc, dict):
        raise EngineError("OPA output is not a JSON object", detail=stdout[:1000])
    if doc.get("errors"):
        raise EngineError("OPA reported errors", detail=json.dumps(doc["errors"])[:2000])
    results = doc.get("result")
    if results is None:
        raise UndefinedDecision(
            "the policy produced no decision (undefined result)",
            hint="the entrypoint data.gate.main.decision must be defined for every input; "
            "check the policy location and package names",
        )
    if not isinstance(results, list) or len(results) != 1 or not isinstance(results[0], dict):
        raise EngineError("OPA output has an unexpected result shape", detail=stdout[:1000])
    expressions = results[0].get("expressions")
    if (
        not isinstance(expressions, list)
        or len(expressions) != 1
        or not isinstance(expressions[0], dict)
        or "value" not in expressions[0]
    ):
        raise EngineError("OPA output has an unexpected expression shape", detail=stdout[:1000])
    return expressions[0]["value"]
