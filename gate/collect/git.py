"""Git facts, gathered by running ``git`` itself: never taken from a developer file."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gate.errors import UsageError
from gate.git import Git

_FIELD = "\x1f"
_RECORD = "\x1e"


@dataclass(frozen=True)
class Identity:
    """A git author or committer as written in the commit (GitHub logins come later)."""

    name: str
    email: str

    def to_json(self) -> dict[str, str]:
        out = {"name": self.name or self.email or "unknown"}
        if self.email:
            out["email"] = self.email
        return out


@dataclass(frozen=True)
class GitFacts:
    """What ``collected.git`` records."""

    commit: str
    tree_clean: bool
    change_range: str | None = None
    authors: tuple[Identity, ...] = field(default_factory=tuple)
    committers: tuple[Identity, ...] = field(default_factory=tuple)
    # Earliest author or committer time of the change range (UTC, RFC 3339); None without
    # a base, when the first commit of the change is unknown. Not part of ``to_json``.
    first_commit_at: str | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"commit": self.commit, "tree_clean": self.tree_clean}
        if self.change_range:
            out["change_range"] = self.change_range
        out["authors"] = [i.to_json() for i in self.authors]
        out["committers"] = [i.to_json() for i in self.committers]
        return out


def _resolve_base(git: Git, base: str) -> str:
    for candidate in (f"refs/remotes/origin/{base}", base):
        proc = git.run("rev-parse", "--verify", "--quiet", f"{candidate}^{{commit}}", check=False)
        if proc.returncode == 0 and proc.stdout.strip():
            return proc.stdout.strip()
    raise UsageError(
        f"base ref {base!r} (from --base or GITHUB_BASE_REF) is not in the repository",
        hint="fetch it first, e.g. actions/checkout with `fetch-depth: 0`, or `git fetch origin "
        f"{base}`",
    )


def _identities(git: Git, rev_args: list[str]) -> tuple[list[Identity], list[Identity]]:
    fmt = _FIELD.join(["%an", "%ae", "%cn", "%ce"]) + _RECORD
    out = git.run("log", "--no-mailmap", f"--format={fmt}", *rev_args, "--").stdout
    authors: set[Identity] = set()
    committers: set[Identity] = set()
    for record in out.split(_RECORD):
        record = record.strip("\n")
        if not record:
            continue
        an, ae, cn, ce = (record.split(_FIELD) + ["", "", "", ""])[:4]
        authors.add(Identity(an.strip(), ae.strip()))
        committers.add(Identity(cn.strip(), ce.strip()))

    def order(i: Identity) -> tuple[str, str]:
        return (i.email.lower(), i.name)

    return sorted(authors, key=order), sorted(committers, key=order)


def _first_commit_at(git: Git, rev_range: str) -> str | None:
    """The earliest author or committer time in ``rev_range``: when work on it started."""
    out = git.run("log", "--no-mailmap", "--format=%at %ct", rev_range, "--").stdout
    stamps = [int(s) for line in out.splitlines() for s in line.split() if s.isdigit()]
    if not stamps:
        return None
    when = dt.datetime.fromtimestamp(min(stamps), dt.UTC)
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def git_facts(repo: Path, *, base: str | None, exclude: list[str] | None = None) -> GitFacts:
    """Collect HEAD, tree cleanliness and the identities of the change range.

    With ``base`` the range is ``merge-base(base, HEAD)..HEAD``; without it, the identities
    are those of the HEAD commit alone. ``exclude`` lists repository-relative paths (the
    bundle being written) that do not make the tree dirty.
    """
    git = Git(repo)
    inside = git.run("rev-parse", "--is-inside-work-tree", check=False)
    if inside.returncode != 0 or inside.stdout.strip() != "true":
        raise UsageError(
            f"{repo} is not a git working tree",
            hint="run the collector inside a clone of the model repository (or pass --repo)",
        )
    head_proc = git.run("rev-parse", "--verify", "--quiet", "HEAD^{commit}", check=False)
    if head_proc.returncode != 0:
        raise UsageError(f"{repo}: the repository has no commits", hint="commit the model first")
    head = head_proc.stdout.strip()
    pathspec = ["."] + [f":(exclude){p}" for p in exclude or []]
    status = git.run("status", "--porcelain=v1", "--untracked-files=normal", "--", *pathspec)
    clean = status.stdout.strip() == ""
    if base:
        base_sha = _resolve_base(git, base)
        mb = git.run("merge-base", base_sha, head, check=False)
        if mb.returncode != 0 or not mb.stdout.strip():
            raise UsageError(
                f"no common ancestor between {base!r} and HEAD",
                hint="fetch the full history (actions/checkout with `fetch-depth: 0`)",
            )
        start = mb.stdout.strip()
        authors, committers = _identities(git, [f"{start}..{head}"])
        return GitFacts(
            head,
            clean,
            f"{start}..{head}",
            tuple(authors),
            tuple(committers),
            _first_commit_at(git, f"{start}..{head}"),
        )
    authors, committers = _identities(git, ["-1", head])
    return GitFacts(head, clean, None, tuple(authors), tuple(committers))


def base_from_env(explicit: str | None, env: Mapping[str, str]) -> str | None:
    """``--base`` wins; otherwise GITHUB_BASE_REF (set on pull_request events)."""
    return explicit or env.get("GITHUB_BASE_REF") or None
