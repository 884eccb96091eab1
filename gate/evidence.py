"""Evidence bundles: loading, schema validation and the bundle digest.

Schema validation is decided by ``jsonschema-rs`` (a compiled validator, milliseconds where
the Python ``jsonschema`` takes seconds on a large bundle); only a document it refuses is
walked again by ``jsonschema``, imported then, for the located messages and fixes the gate
prints. Both use the gate's own ``date-time`` and ``date`` checks, and a document either
refuses is refused.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jsonschema_rs

from gate.engine.toolchain import shipped_dir
from gate.errors import EvidenceError, Problem
from gate.fileio import DEFAULT_MAX_BYTES, canonical_json, load_document

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError

API_VERSION = "mrm-gate/v1"

# What an approver signs (docs/github.md): the evidence of one head commit, never the facts
# of the workflow run that asks. Run facts differ between the runs of one pull request (a
# comment, a review, a dispatch or a deploy starts a run with another event, actor, ref and
# GITHUB_SHA; branch protection and check outcomes are read live each time), so they are kept
# in the bundle for the record and evaluated in every run, but left out of the digest.
RUN_FACT_PATHS: tuple[tuple[str, ...], ...] = (
    ("collected", "collected_at"),
    ("collected", "ci"),
    ("collected", "git"),
    ("change", "ci_run_id"),
    ("change", "ci_commit_sha"),
    ("change", "first_commit_at"),
    ("change", "required_checks"),
    ("change", "tests_passed"),
    ("change", "author_ids"),
    ("security", "branch_protection"),
    # When this run re-trained the artefact (GATE-REP-01); what it reproduced
    # (reproduced_artifact_sha256) stays in the digest.
    ("reproducibility", "reproduced_at"),
)
# The commit the evidence was collected at, under the names several sections give it. The
# digest binds the judged head commit explicitly instead: a push or a deploy of the merge
# commit of a pull request collects the same evidence at another commit, and it is the pull
# request's head that its approvers signed.
COMMIT_PATHS: tuple[tuple[str, ...], ...] = (
    ("change", "commit_sha"),
    ("artifact", "commit_sha"),
    ("reproducibility", "git_commit"),
)
# Older name, kept for the callers that list what the digest ignores.
VOLATILE_PATHS = RUN_FACT_PATHS + COMMIT_PATHS


def schema_dir() -> Path:
    return shipped_dir("schemas")


@lru_cache(maxsize=8)
def load_schema(name: str) -> dict[str, Any]:
    path = schema_dir() / name
    doc = json.loads(path.read_text("utf-8"))
    assert isinstance(doc, dict)
    return doc


def json_path(parts: Any) -> str:
    """Render a jsonschema path deque as ``$.a.b[0]``."""
    out = "$"
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def _fix_for(error: ValidationError) -> str:
    kind = error.validator
    if kind == "required":
        return "add the missing field"
    if kind == "additionalProperties":
        return "remove the field or correct its spelling (see docs/evidence.md)"
    if kind == "enum":
        return f"use one of {error.validator_value}"
    if kind == "type":
        return f"write a value of type {error.validator_value}"
    if kind in ("format", "pattern"):
        return f"match the expected {kind} {error.validator_value!r}"
    if kind == "const":
        return f"write exactly {error.validator_value!r}"
    return "see docs/evidence.md for this field"


# Evidence dates are RFC 3339 and plausible: a `TBD`, a year 9999 or a year 1000 is a
# placeholder, not a date, and a policy must never have to guess what it means.
EARLIEST_YEAR, LATEST_YEAR = 1970, 2199
_RFC3339 = re.compile(
    r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})", re.ASCII
)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


def _plausible_year(year: int) -> None:
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        raise ValueError(f"year {year} is outside {EARLIEST_YEAR}-{LATEST_YEAR}")


def _is_date_time(value: object) -> bool:
    """RFC 3339 date-time (section 5.6), a real calendar instant, in the plausible years."""
    if not isinstance(value, str):
        return True  # the schema's "type" judges non-strings
    if not _RFC3339.fullmatch(value):
        raise ValueError("not an RFC 3339 date-time such as 2026-11-30T12:00:00Z")
    parsed = dt.datetime.fromisoformat(value.upper())  # also refuses 2026-02-30
    _plausible_year(parsed.year)
    return True


def _is_date(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not _DATE.fullmatch(value):
        raise ValueError("not an RFC 3339 full-date such as 2026-11-30")
    _plausible_year(dt.date.fromisoformat(value).year)
    return True


# The formats the schemas use, each raising ValueError with the reason a value fails.
FORMAT_CHECKS: dict[str, Callable[[object], bool]] = {
    "date-time": _is_date_time,
    "date": _is_date,
}


def _passes(check: Callable[[object], bool]) -> Callable[[object], bool]:
    def passes(value: object) -> bool:
        try:
            return check(value)
        except ValueError:
            return False

    return passes


@lru_cache(maxsize=8)
def _compiled(schema_name: str) -> jsonschema_rs.Validator:
    """The compiled validator of one schema; formats the gate does not check are refused
    when compiling, so no format is silently ignored by one validator and not the other."""
    return jsonschema_rs.Draft202012Validator(
        load_schema(schema_name),
        formats={name: _passes(check) for name, check in FORMAT_CHECKS.items()},
        validate_formats=True,
        ignore_unknown_formats=False,
        offline=True,
    )


@lru_cache(maxsize=8)
def _explainer(schema_name: str) -> Draft202012Validator:
    """The Python validator that locates and words each problem of a refused document."""
    from jsonschema import Draft202012Validator, FormatChecker

    checker = FormatChecker()
    for name, check in FORMAT_CHECKS.items():
        checker.checks(name, raises=ValueError)(check)
    return Draft202012Validator(load_schema(schema_name), format_checker=checker)


def schema_problems(doc: Any, schema_name: str, file_label: str) -> list[Problem]:
    """Every schema violation of ``doc``, each located by its JSON path."""
    fast = _compiled(schema_name)
    if fast.is_valid(doc):
        return []
    errors = sorted(
        _explainer(schema_name).iter_errors(doc), key=lambda e: [str(p) for p in e.path]
    )
    problems = [
        Problem(file_label, json_path(e.absolute_path), e.message, _fix_for(e)) for e in errors
    ]
    # The two validators disagree only on a defect of one of them; refuse all the same.
    return problems or [
        Problem(file_label, json_path(e.instance_path), e.message, "see docs/evidence.md")
        for e in fast.iter_errors(doc)
    ]


def validate_bundle(doc: Any, file_label: str) -> None:
    """Raise :class:`EvidenceError` listing all problems when the bundle is invalid."""
    problems = schema_problems(doc, "evidence-bundle.schema.json", file_label)
    if problems:
        raise EvidenceError(
            f"{file_label}: the evidence bundle is invalid ({len(problems)} problem(s))",
            problems,
            hint="fix each field named above; docs/evidence.md describes every field",
        )


def load_bundle(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> dict[str, Any]:
    """Read and validate a bundle file."""
    doc = load_document(path, max_bytes=max_bytes)
    validate_bundle(doc, str(path))
    assert isinstance(doc, dict)
    return doc


def digest_view(bundle: dict[str, Any]) -> dict[str, Any]:
    """The evidence an approver judges: the bundle without run facts and commit names.

    Only the objects on the way to a left-out fact are copied (shallowly); the rest is
    shared with ``bundle``, which is never modified.
    """
    view = dict(bundle)
    for path in VOLATILE_PATHS:
        node: dict[str, Any] = view
        for key in path[:-1]:
            child = node.get(key)
            if not isinstance(child, dict):
                break
            node[key] = child = dict(child)
            node = child
        else:
            node.pop(path[-1], None)
    return view


def collected_commit(bundle: dict[str, Any]) -> str:
    """The commit the bundle's evidence was collected at (``collected.git.commit``)."""
    collected = bundle.get("collected")
    git = collected.get("git") if isinstance(collected, dict) else None
    commit = git.get("commit") if isinstance(git, dict) else None
    return commit if isinstance(commit, str) else ""


def bundle_digest(bundle: dict[str, Any], head_commit: str | None = None) -> str:
    """``sha256:<hex>`` of ``{head_commit, evidence}`` in canonical JSON.

    ``head_commit`` is the commit the run judges, as GitHub names it for the event (the
    pull request's head; for a merge commit, the head of the merged pull request that made
    it). Without one (no pull request known) it is the commit the evidence was collected at.
    """
    head = head_commit if head_commit else collected_commit(bundle)
    signed = {"head_commit": head, "evidence": digest_view(bundle)}
    return "sha256:" + hashlib.sha256(canonical_json(signed)).hexdigest()
