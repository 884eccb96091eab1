"""Building the policy input: the bundle plus what the gate itself collected."""

from __future__ import annotations

from typing import Any


def build_input(
    bundle: dict[str, Any],
    *,
    stage: str,
    digest: str,
    now: str,
    repository: str = "",
    pull_request: dict[str, Any] | None = None,
    ci: dict[str, Any] | None = None,
    approvals: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Assemble the input document of ``data.gate.main.decision``.

    ``now`` is passed in rather than read by the policy, so a decision can be replayed.
    Approvals only ever come from the collectors, never from the bundle.
    """
    context: dict[str, Any] = {
        "now": now,
        "bundle_digest": digest,
        "repository": repository,
        "ci": ci or {},
    }
    if pull_request is not None:
        context["pull_request"] = pull_request
    return {
        "bundle": bundle,
        "stage": stage,
        "context": context,
        "approvals": list(approvals or []),
    }
