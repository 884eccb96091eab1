"""The one interface both engines implement."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

DECISION_PACKAGE = "gate/main"
DECISION_RULE = "decision"
DECISION_QUERY = "data.gate.main.decision"


@dataclass(frozen=True)
class EngineResult:
    """What an engine hands back: the raw decision value and where it came from.

    ``value`` is whatever OPA produced; it is not trusted until
    :meth:`gate.decision.Decision.from_policy` has checked its shape.
    """

    value: Any
    engine: str
    opa_version: str
    policy_revision: str


class PolicyEngine(Protocol):
    """Evaluate the decision entrypoint for one policy input."""

    name: str

    def evaluate(self, policy_input: dict[str, Any]) -> EngineResult:
        """Return the raw decision, or raise :class:`gate.errors.EngineError`."""
        ...

    def evaluate_many(self, inputs: Iterable[dict[str, Any]]) -> list[EngineResult]:
        """The raw decisions of several inputs, in order, with one policy compile.

        ``inputs`` may be drawn lazily: every one is drawn before any is evaluated, so an
        error raised while drawing one (a bad bundle) ends the batch as that error."""
        ...
