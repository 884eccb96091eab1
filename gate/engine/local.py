"""The local engine: ``opa eval`` as a subprocess, the input as JSON on stdin."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from gate.engine.interface import DECISION_QUERY, EngineResult
from gate.engine.opa_process import capabilities_file, run_opa
from gate.engine.toolchain import OpaBinary
from gate.errors import EngineError, UndefinedDecision
from gate.policy import BuiltPolicy, PolicySource


class LocalOpaEngine:
    """Evaluate the built bundle of the policies with the OPA binary.

    Any failure raises :class:`EngineError`. The bundle is built (or found in the cache)
    once per engine, so a batch of evaluations compiles nothing twice.
    """

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
        self._built: BuiltPolicy | None = None

    @property
    def built(self) -> BuiltPolicy:
        if self._built is None:
            self._built = self.policies.built(self.opa)
        return self._built

    @property
    def revision(self) -> str:
        return self.built.revision

    def command(self) -> list[str]:
        """The ``opa`` arguments of one evaluation (the input comes on stdin)."""
        caps = capabilities_file(self.opa.path, self.opa.version)
        return [
            "eval",
            "--format",
            "json",
            "--stdin-input",
            "--capabilities",
            str(caps),
            "--bundle",
            str(self.built.path),
            self.query,
        ]

    def evaluate(self, policy_input: dict[str, Any]) -> EngineResult:
        return self._result(self._eval(self.query, policy_input))

    def evaluate_many(self, inputs: Iterable[dict[str, Any]]) -> list[EngineResult]:
        """Evaluate every input in one OPA process: one compile, one start-up, and each
        input a plain evaluation of the prepared decision query (gate.engine.served).

        OPA starts before the first input is drawn, so it compiles the policies while the
        bundles are read; every input is drawn before any is evaluated.
        """
        from gate.engine.served import private_server

        if self.query != DECISION_QUERY:
            # The server answers on the decision's path only, never another query.
            raise EngineError(f"the batch route evaluates {DECISION_QUERY} only, not {self.query}")
        with private_server(
            self.opa,
            self.built,
            timeout=self.timeout,
            check_capabilities=self.policies.is_bundle_file,
        ) as server:
            drawn = list(inputs)
            return [self._result(value) for value in server.evaluate_all(drawn)]

    def _eval(self, query: str, policy_input: dict[str, Any]) -> Any:
        payload = json.dumps(policy_input, allow_nan=False)
        stdout = run_opa(
            self.opa.path,
            [*self.command()[:-1], query],
            what="evaluation",
            stdin=payload,
            timeout=self.timeout,
        )
        return parse_eval_output(stdout)

    def _result(self, value: Any) -> EngineResult:
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
