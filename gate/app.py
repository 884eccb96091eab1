"""The application layer: the one evaluation pipeline every command uses.

Evidence enters through :func:`load_evaluation` (strict loader, schema validation, the
digest), the engine is chosen once by :func:`choose_engine`, OPA is called only through an
engine, and :func:`decide` turns OPA's answer into a checked :class:`Decision`. ``check``,
``record``, ``monitor`` and ``replay`` all go through here, so no command can skip a step.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from gate.decision import Decision
from gate.engine.interface import EngineResult, PolicyEngine
from gate.policy import PolicySource, default_policy_dir
from gate.policy_input import build_input


class Collector(Protocol):
    """Gathers, itself (GitHub API, git, CI), the pull request a run judges and its
    approvals; see gate.github.collect.GitHubCollector."""

    def head_commit(self) -> str | None:
        """The commit the run judges, which the bundle digest binds (None: no PR)."""

    def __call__(self, digest: str) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
        """The pull-request context and the approvals, judged against ``digest``."""


def policy_source(policy: Path | None, data_files: tuple[Path, ...] = ()) -> PolicySource:
    """The policies to decide with (default: those shipped with the gate), checked."""
    source = PolicySource(policy or default_policy_dir(), tuple(data_files))
    source.check()
    return source


def choose_engine(
    opa_url: str | None, opa_bin: str | None, source: PolicySource, timeout: float
) -> PolicyEngine:
    """The local OPA, or the OPA server at ``opa_url`` which must serve ``source``'s revision.

    With a server, a policy directory is still built locally (from the cache, usually)
    because its revision is what the server must prove it runs; a prebuilt bundle carries
    its revision, so then no local OPA is looked for at all.
    """
    from gate.engine.toolchain import find_opa

    if opa_url:
        from gate.engine.server import ServerOpaEngine

        opa = None if source.is_bundle_file else find_opa(opa_bin)
        return ServerOpaEngine(
            opa_url,
            timeout=timeout,
            token=os.environ.get("MRM_GATE_OPA_TOKEN") or None,
            expected_revision=source.revision(opa),
        )
    from gate.engine.local import LocalOpaEngine

    return LocalOpaEngine(find_opa(opa_bin), source, timeout=timeout)


@dataclass(frozen=True)
class Evaluation:
    """One decision and the exact policy input it was computed from."""

    decision: Decision
    policy_input: dict[str, Any]


def decide(engine: PolicyEngine, policy_input: dict[str, Any], head: str | None = None) -> Decision:
    """Evaluate a built policy input and check the answer strictly."""
    return _checked(engine.evaluate(policy_input), policy_input, head)


def _checked(
    result: EngineResult, policy_input: dict[str, Any], head: str | None = None
) -> Decision:
    context = policy_input["context"]
    return Decision.from_policy(
        result,
        stage=policy_input["stage"],
        bundle_digest=context["bundle_digest"],
        decided_at=context["now"],
        head_commit=head or "",
    )


def judged_head(
    collector: Collector | None, pull_request: dict[str, Any] | None = None
) -> str | None:
    """The commit the run judges, which the digest binds: the collector's, else the PR's."""
    if collector is not None:
        return collector.head_commit()
    head = (pull_request or {}).get("head_sha")
    return head if isinstance(head, str) else None


def policy_input_for(
    bundle: dict[str, Any],
    stage: str,
    *,
    now: str,
    repository: str = "",
    collector: Collector | None = None,
    pull_request: dict[str, Any] | None = None,
    approvals: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The policy input of a loaded bundle; approvals only ever come from a collector."""
    from gate.evidence import bundle_digest

    digest = bundle_digest(bundle, judged_head(collector, pull_request))
    if collector is not None:
        pull_request, approvals = collector(digest)
    return build_input(
        bundle,
        stage=stage,
        digest=digest,
        now=now,
        repository=repository,
        pull_request=pull_request,
        approvals=approvals,
    )


def evaluate(
    bundle_path: Path,
    stage: str,
    engine: PolicyEngine,
    *,
    now: str,
    repository: str | None = None,
    collector: Collector | None = None,
    pull_request: dict[str, Any] | None = None,
    approvals: list[dict[str, Any]] | None = None,
) -> Evaluation:
    """Load, validate and evaluate one bundle; raise on anything untrustworthy."""
    from gate.evidence import load_bundle

    policy_input = policy_input_for(
        load_bundle(bundle_path),
        stage,
        now=now,
        repository=os.environ.get("GITHUB_REPOSITORY", "") if repository is None else repository,
        collector=collector,
        pull_request=pull_request,
        approvals=approvals,
    )
    head = judged_head(collector, pull_request)
    return Evaluation(decide(engine, policy_input, head), policy_input)


def evaluate_many(
    bundle_paths: list[Path], stage: str, engine: PolicyEngine, *, now: str
) -> list[Evaluation]:
    """Evaluate many bundles with one policy compile; each result equals a single check.

    Every bundle is loaded and validated before anything is evaluated, so one bad file
    stops the batch (exit 2) before any report is written. The inputs are handed over as
    they are read, so the engine can get OPA ready meanwhile.
    """
    from gate.evidence import load_bundle

    repository = os.environ.get("GITHUB_REPOSITORY", "")
    inputs: list[dict[str, Any]] = []

    def drawn() -> Iterator[dict[str, Any]]:
        for path in bundle_paths:
            inputs.append(
                policy_input_for(load_bundle(path), stage, now=now, repository=repository)
            )
            yield inputs[-1]

    results = engine.evaluate_many(drawn())
    return [
        Evaluation(_checked(result, item), item)
        for result, item in zip(results, inputs, strict=True)
    ]
