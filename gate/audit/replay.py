"""Replaying a recorded decision: the recorded input, evaluated again by the real OPA
through :func:`gate.app.decide`, as check evaluates it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gate.app import decide
from gate.audit.record import CanonicalInput, differences, record_problems
from gate.engine.interface import PolicyEngine
from gate.errors import UsageError


@dataclass(frozen=True)
class Replay:
    """What a replay found."""

    recorded_revision: str
    current_revision: str
    recorded_opa: str
    current_opa: str
    recorded: dict[str, Any]
    replayed: dict[str, Any]
    differing_fields: tuple[str, ...]

    @property
    def same_revision(self) -> bool:
        return self.recorded_revision == self.current_revision

    @property
    def same_decision(self) -> bool:
        return not self.differing_fields

    @property
    def reproduced(self) -> bool:
        """Faithful replay: same policies, same decision."""
        return self.same_revision and self.same_decision


def replay(
    record: dict[str, Any],
    policy_input: CanonicalInput,
    engine: PolicyEngine,
    current_revision: str,
) -> Replay:
    """Evaluate the record's input again and compare the decisions.

    ``current_revision`` is the revision of the policies at hand; the engine's own report
    of it wins when it gives one (a bundle or a server).
    """
    problems = record_problems(record, policy_input)
    if problems:
        raise UsageError(
            "the decision record is not sound, so it cannot be replayed: " + "; ".join(problems),
            hint="run `mrm-gate ledger verify` on the ledger it came from",
        )
    recorded = record["decision"]
    # The record is sound, so its stage and bundle digest are its input's: the input alone
    # is evaluated, through the pipeline check and record use.
    decision = decide(engine, policy_input.value)
    replayed = decision.to_dict()
    return Replay(
        recorded_revision=record["policy"]["revision"],
        current_revision=decision.policy_revision or current_revision,
        recorded_opa=record["opa_version"],
        current_opa=decision.opa_version,
        recorded=recorded,
        replayed=replayed,
        differing_fields=tuple(
            f for f in differences(recorded, replayed) if f != "policy_revision"
        ),
    )
