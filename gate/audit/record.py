"""Decision records: one decision, the evidence and policies behind it, and its input's digest.

A record names its policy input by ``input_digest`` (the sha256 of the input's canonical
JSON); the ledger keeps the input itself once, content-addressed, beside the ledger file
(:class:`gate.audit.ledger.InputStore`). A record written on its own (``record --output``)
carries the input in an ``input`` field instead, so that it can be replayed anywhere.

A record is self-checking against its input: ``bundle_digest`` is the digest of the bundle
inside the input, and verdict, stage, revision, time and approvals agree between the
record, the decision it carries and the input. :func:`consistency_problems` lists every
disagreement, which is how a record forged by hand shows up even when its ledger hash was
recomputed.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gate import __version__
from gate.app import Collector, evaluate
from gate.decision import Decision
from gate.engine.interface import PolicyEngine
from gate.evidence import bundle_digest, schema_problems
from gate.fileio import canonical_json
from gate.policy import PolicySource

API_VERSION = "mrm-gate/decision-record/v2"
SCHEMA = "decision-record.schema.json"

# Fields of a decision that say when and how it was computed rather than what was decided.
VOLATILE_DECISION_FIELDS = ("decided_at", "engine", "opa_version")


def sha256_of(value: Any) -> str:
    """``sha256:<hex>`` of the canonical JSON of ``value``."""
    return "sha256:" + hashlib.sha256(canonical_json(value)).hexdigest()


DIGEST = re.compile(r"sha256:[0-9a-f]{64}")


@dataclass(frozen=True)
class CanonicalInput:
    """A policy input with its canonical JSON bytes and their digest, encoded once."""

    value: dict[str, Any]
    data: bytes
    digest: str

    @classmethod
    def of(cls, value: dict[str, Any]) -> CanonicalInput:
        data = canonical_json(value)
        return cls(value, data, "sha256:" + hashlib.sha256(data).hexdigest())

    @classmethod
    def parse(cls, data: bytes) -> CanonicalInput:
        """Read stored bytes; the digest is of the bytes as they are (nothing re-encoded).

        Raises ValueError when they are not a JSON object.
        """
        value = json.loads(data)
        if not isinstance(value, dict):
            raise ValueError("not a JSON object")
        return cls(value, data, "sha256:" + hashlib.sha256(data).hexdigest())


@dataclass(frozen=True)
class InputFacts:
    """What a record is checked against, read once from each distinct input."""

    digest: str
    stage: Any
    now: Any
    context_bundle_digest: Any
    bundle_digest: str | None
    model: tuple[Any, Any]
    artifact_digest: Any
    problems: tuple[str, ...]

    @classmethod
    def of(cls, item: CanonicalInput) -> InputFacts:
        value = item.value
        problems = []
        missing = [k for k in ("bundle", "stage", "context", "approvals") if k not in value]
        if missing:
            problems.append(f"the input lacks {', '.join(missing)}")
        bundle = value.get("bundle")
        context = value.get("context")
        if not isinstance(bundle, dict):
            problems.append("input.bundle is not an object")
            bundle = {}
        if not isinstance(context, dict):
            problems.append("input.context is not an object")
            context = {}
        model = bundle.get("model")
        model = model if isinstance(model, dict) else {}
        artifact = bundle.get("artifact")
        return cls(
            digest=item.digest,
            stage=value.get("stage"),
            now=context.get("now"),
            context_bundle_digest=context.get("bundle_digest"),
            bundle_digest=bundle_digest(bundle, _judged_head(context)) if bundle else None,
            model=(model.get("id"), model.get("version")),
            artifact_digest=artifact.get("digest") if isinstance(artifact, dict) else None,
            problems=tuple(problems),
        )


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return "sha256:" + digest.hexdigest()


@dataclass(frozen=True)
class PolicyInfo:
    """Which policies decided: the revision the engine reported and a hash of the files."""

    revision: str
    files_sha256: str | None
    source: str

    def to_dict(self) -> dict[str, Any]:
        return {"revision": self.revision, "files_sha256": self.files_sha256, "source": self.source}


def policy_info(source: PolicySource | None, revision: str) -> PolicyInfo:
    """Describe the policies; ``source`` is None when a remote OPA server evaluated."""
    if source is None:
        return PolicyInfo(revision, None, "server")
    if source.is_bundle_file:
        return PolicyInfo(revision, file_sha256(source.path), "bundle")
    return PolicyInfo(revision, source.revision(), "directory")


def ci_run(env: Mapping[str, str]) -> dict[str, str | None]:
    """The CI run link from the GITHUB_* variables, or nulls outside CI."""
    server = env.get("GITHUB_SERVER_URL", "").rstrip("/")
    repository = env.get("GITHUB_REPOSITORY", "") or None
    run_id = env.get("GITHUB_RUN_ID", "") or None
    url = (
        f"{server}/{repository}/actions/runs/{run_id}" if server and repository and run_id else None
    )
    return {"run_url": url, "repository": repository, "run_id": run_id}


def approvals_used(decision: dict[str, Any], policy_input: dict[str, Any]) -> list[dict[str, Any]]:
    """Each required approval with the collected approvals that satisfied it."""
    collected = [a for a in policy_input.get("approvals", []) if isinstance(a, dict)]
    out = []
    for req in decision.get("required_approvals", []):
        logins = [str(x) for x in req.get("satisfied_by", [])]
        evidence = [
            {k: a[k] for k in ("login", "via", "url", "at", "commit_sha") if k in a}
            for a in collected
            if a.get("role") == req.get("role") and a.get("login") in logins
        ]
        out.append(
            {
                "role": str(req.get("role", "")),
                "count": int(req.get("count", 0)),
                "satisfied": bool(req.get("satisfied")),
                "satisfied_by": logins,
                "evidence": evidence,
            }
        )
    return out


def build_record(
    decision: Decision | dict[str, Any],
    policy_input: CanonicalInput,
    policy: PolicyInfo,
    *,
    recorded_at: str,
    env: Mapping[str, str],
) -> dict[str, Any]:
    """Assemble a decision record (without its input, which it names by digest).

    Raises ValueError when decision and input disagree.
    """
    dec = decision.to_dict() if isinstance(decision, Decision) else dict(decision)
    bundle = policy_input.value["bundle"]
    model = bundle.get("model", {})
    artifact = bundle.get("artifact", {})
    record = {
        "apiVersion": API_VERSION,
        "recorded_at": recorded_at,
        "model": {"id": str(model.get("id", "")), "version": str(model.get("version", ""))},
        "stage": dec["stage"],
        "allow": dec["allow"],
        "bundle_digest": dec["bundle_digest"],
        "artifact_digest": artifact.get("digest") if isinstance(artifact, dict) else None,
        "policy": policy.to_dict(),
        "opa_version": str(dec.get("opa_version", "")),
        "gate_version": __version__,
        "input_digest": policy_input.digest,
        "approvals": approvals_used(dec, policy_input.value),
        "ci": ci_run(env),
        "decision": dec,
    }
    problems = record_problems(record, policy_input)
    if problems:
        raise ValueError("; ".join(problems))
    return record


def standalone(record: dict[str, Any], policy_input: CanonicalInput) -> dict[str, Any]:
    """The record as one file (``record --output``): the record with its input inside."""
    return {**record, "input": policy_input.value}


def split_standalone(doc: dict[str, Any]) -> tuple[dict[str, Any], CanonicalInput | None]:
    """A record file's record and the input it carries (None when it carries none)."""
    if "input" not in doc:
        return doc, None
    record = {k: v for k, v in doc.items() if k != "input"}
    value = doc["input"]
    if not isinstance(value, dict):
        raise ValueError("its input is not an object")
    return record, CanonicalInput.of(value)


def record_problems(record: Any, policy_input: CanonicalInput) -> list[str]:
    """Every way ``record`` is malformed or inconsistent with itself and its input.

    The full check, run before a record is appended and before it is replayed: the JSON
    schema, then :func:`consistency_problems`.
    """
    problems = [f"{p.json_path}: {p.message}" for p in schema_problems(record, SCHEMA, "record")]
    if problems:
        return problems
    if "input" in record:
        return ["the record embeds its input: the ledger keeps inputs in its input store"]
    return consistency_problems(record, InputFacts.of(policy_input))


def _get(value: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def _objects(value: Any) -> list[dict[str, Any]] | None:
    if isinstance(value, list) and all(isinstance(v, dict) for v in value):
        return value
    return None


def consistency_problems(record: Any, facts: InputFacts) -> list[str]:
    """The semantic checks, cheap enough to run on every record of a ledger.

    They assume nothing about the record's shape (a record read back from a ledger is not
    schema-validated again) and never raise: a missing or mistyped field is a problem.
    """
    if not isinstance(record, dict):
        return ["the record is not an object"]
    dec = record.get("decision")
    if not isinstance(dec, dict):
        return ["the record has no decision object"]
    problems = [f"stored input: {p}" for p in facts.problems]
    if record.get("apiVersion") != API_VERSION:
        problems.append(f"apiVersion is not {API_VERSION}")
    if "input" in record:
        problems.append("the record embeds an input instead of naming it by input_digest")
    if record.get("input_digest") != facts.digest:
        problems.append("input_digest is not the sha256 of the recorded input")
    if facts.bundle_digest is not None and record.get("bundle_digest") != facts.bundle_digest:
        problems.append("bundle_digest is not the digest of the recorded bundle")
    for name, mine, other in (
        ("bundle_digest", record.get("bundle_digest"), facts.context_bundle_digest),
        ("bundle_digest", record.get("bundle_digest"), dec.get("bundle_digest")),
        ("stage", record.get("stage"), dec.get("stage")),
        ("stage", record.get("stage"), facts.stage),
        ("allow", record.get("allow"), dec.get("allow")),
        ("policy.revision", _get(record, "policy", "revision"), dec.get("policy_revision")),
        ("decision.decided_at", dec.get("decided_at"), facts.now),
        ("artifact_digest", record.get("artifact_digest"), facts.artifact_digest),
    ):
        if mine != other:
            problems.append(f"{name} {mine!r} disagrees with the recorded {other!r}")
    model = record.get("model")
    if not isinstance(model, dict) or (model.get("id"), model.get("version")) != facts.model:
        problems.append("model id/version is not the recorded bundle's")
    if not isinstance(record.get("allow"), bool):
        problems.append("allow is not true or false")
    return problems + _verdict_problems(record, dec)


def _verdict_problems(record: dict[str, Any], dec: dict[str, Any]) -> list[str]:
    """The recorded verdict against the decision's own lists, and the approvals recorded
    against those it required."""
    problems: list[str] = []
    violations = dec.get("violations")
    controls = dec.get("controls")
    required = _objects(dec.get("required_approvals"))
    approvals = _objects(record.get("approvals"))
    if (
        not isinstance(violations, list)
        or not isinstance(controls, list)
        or required is None
        or approvals is None
    ):
        problems.append(
            "decision.violations, decision.controls, decision.required_approvals or "
            "approvals is not a list"
        )
        return problems
    failed = []
    for control in controls:
        if not isinstance(control, dict):
            problems.append("decision.controls holds a non-object")
            return problems
        if control.get("status") == "fail":
            failed.append(control.get("id"))
    if dec.get("allow") is True:
        unmet = [r.get("role") for r in required if r.get("satisfied") is not True]
        if violations or failed or unmet:
            problems.append(
                f"the verdict is allow, yet the decision lists {len(violations)} violation(s), "
                f"failed controls {failed} and unmet approvals {unmet}"
            )
    wanted = [(r.get("role"), r.get("satisfied"), r.get("satisfied_by", [])) for r in required]
    given = [(a.get("role"), a.get("satisfied"), a.get("satisfied_by")) for a in approvals]
    if wanted != given:
        problems.append("approvals disagree with decision.required_approvals")
    return problems


def comparable(decision: dict[str, Any]) -> dict[str, Any]:
    """A decision without the fields that say when and by which engine it was computed."""
    return {k: v for k, v in decision.items() if k not in VOLATILE_DECISION_FIELDS}


def differences(recorded: dict[str, Any], replayed: dict[str, Any]) -> list[str]:
    """Names of the decision fields that differ (volatile fields ignored)."""
    a, b = comparable(recorded), comparable(replayed)
    return sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))


def evaluate_with_input(
    bundle_path: Path,
    stage: str,
    engine: PolicyEngine,
    *,
    now: str,
    repository: str = "",
    collector: Collector | None = None,
    pull_request: dict[str, Any] | None = None,
    approvals: list[dict[str, Any]] | None = None,
) -> tuple[Decision, CanonicalInput]:
    """Like ``mrm-gate check``, but also hand back the exact policy input evaluated."""
    done = evaluate(
        bundle_path,
        stage,
        engine,
        now=now,
        repository=repository,
        collector=collector,
        pull_request=pull_request,
        approvals=approvals,
    )
    return done.decision, CanonicalInput.of(done.policy_input)


def _judged_head(context: dict[str, Any]) -> str | None:
    """The head commit a recorded input's digest binds: its pull request's head."""
    pull_request = context.get("pull_request")
    head = pull_request.get("head_sha") if isinstance(pull_request, dict) else None
    return head if isinstance(head, str) else None
