"""What a formatter is told besides the decision: where fields came from, what this run
could not know, and how the reader wants it."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gate.decision import Decision
from gate.errors import EngineError
from gate.git import Git
from gate.report.locations import Location, locate_all

# Bundle fields only CI and the GitHub API can give (see gate.collect.collector): a local run
# without them cannot say whether they hold, so it must not pretend to know the fix.
CI_AND_GITHUB_FIELDS = (
    "$.change.author_ids",
    "$.change.commit_sha",
    "$.change.first_commit_at",
    "$.change.ci_run_id",
    "$.change.ci_commit_sha",
    "$.change.required_checks",
    "$.change.tests_passed",
    "$.security.branch_protection",
    "$.approvals",
)


@dataclass(frozen=True)
class ReportContext:
    """``unknown`` names what the run could not collect ("no CI, no GitHub facts"); empty
    when everything was collected."""

    locations: Mapping[str, Location] = field(default_factory=dict)
    unknown: str = ""
    only_failed: bool = False
    color: bool = False
    notes: tuple[str, ...] = ()

    def where(self, json_path: str) -> Location | None:
        return self.locations.get(json_path)

    def is_unknown_here(self, item: Mapping[str, Any]) -> bool:
        """True when ``item`` is about a field this run could not collect."""
        path = str(item.get("evidence_path", ""))
        return bool(self.unknown) and any(
            path == f or path.startswith((f + ".", f + "[")) for f in CI_AND_GITHUB_FIELDS
        )


def unknown_facts(bundle: Mapping[str, Any], github_collected: bool) -> str:
    """What a run with this bundle cannot know, in words; empty for a full CI run."""
    collected = bundle.get("collected")
    ci = collected.get("ci") if isinstance(collected, dict) else None
    change = bundle.get("change")
    has_github = github_collected or (isinstance(change, dict) and "required_checks" in change)
    in_ci = isinstance(ci, dict) and ci.get("provider") not in (None, "", "local")
    missing = [what for what, known in (("CI", in_ci), ("GitHub facts", has_github)) if not known]
    return ", ".join(f"no {m}" for m in missing)


def foreign_commit(bundle: Mapping[str, Any], root: Path) -> str:
    """A note when the bundle was collected at a commit the repository at ``root`` does not
    have: most likely it was collected in another repository. Empty when the commit is
    there (or the bundle names none)."""
    collected = bundle.get("collected")
    git = collected.get("git") if isinstance(collected, dict) else None
    commit = git.get("commit") if isinstance(git, dict) else None
    if not isinstance(commit, str) or not commit:
        return ""
    try:
        check = Git(root, timeout=30).run("cat-file", "-e", f"{commit}^{{commit}}", check=False)
        found = check.returncode == 0
    except EngineError:
        found = False  # git that cannot run cannot vouch for the commit either
    if found:
        return ""
    ci = collected.get("ci") if isinstance(collected, dict) else None
    where = ci.get("repository") if isinstance(ci, dict) and ci.get("repository") else ""
    return (
        f"this bundle was collected at commit {commit[:12]}"
        + (f" of {where}" if where else "")
        + f", which the repository at {root} does not have: it may come from another "
        "repository; collect it here before relying on this decision"
    )


def load_context(
    bundle_path: Path,
    decision: Decision,
    *,
    github_collected: bool,
    only_failed: bool = False,
    color: bool = False,
    root: Path | None = None,
) -> ReportContext:
    """Read the bundle and the files it came from, so a formatter stays pure: the location
    of each field a decision names, and what this run could not know."""
    root = root or Path(os.environ.get("GITHUB_WORKSPACE") or ".")
    try:
        text = bundle_path.read_text("utf-8")
        bundle = json.loads(text)
    except (OSError, ValueError):
        text, bundle = "", {}
    if not isinstance(bundle, dict):
        bundle = {}
    try:
        label: str | None = bundle_path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        label = None
    paths = [
        str(item.get("evidence_path", "$"))
        for item in (*decision.violations, *decision.warnings, *decision.waived)
    ]
    in_ci = bool(os.environ.get("CI") or os.environ.get("GITHUB_ACTIONS"))
    note = "" if in_ci else foreign_commit(bundle, root)
    return ReportContext(
        locations=locate_all(paths, bundle, root, label, text),
        unknown=unknown_facts(bundle, github_collected),
        only_failed=only_failed,
        color=color,
        notes=(note,) if note else (),
    )
