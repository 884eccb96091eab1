"""CI facts from the GITHUB_* environment of the run."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from gate.errors import UsageError

_SHA = re.compile(r"^[0-9a-f]{40}([0-9a-f]{24})?$")
_LOGIN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,38}(\[bot\])?$")

_STRINGS = (
    ("repository", "GITHUB_REPOSITORY"),
    ("run_id", "GITHUB_RUN_ID"),
    ("workflow", "GITHUB_WORKFLOW"),
    ("ref", "GITHUB_REF"),
    ("event_name", "GITHUB_EVENT_NAME"),
    ("server_url", "GITHUB_SERVER_URL"),
)


def _bad(var: str, value: str, expected: str) -> UsageError:
    return UsageError(
        f"environment variable {var}={value!r} is not {expected}",
        hint=f"unset {var} or set it to {expected}",
    )


def ci_facts(env: Mapping[str, str]) -> dict[str, Any]:
    """Build ``collected.ci``. Outside GitHub Actions the provider is ``local``."""
    out: dict[str, Any] = {
        "provider": "github_actions" if env.get("GITHUB_ACTIONS") == "true" else "local"
    }
    for key, var in _STRINGS:
        value = env.get(var, "")
        if value:
            out[key] = value
    attempt = env.get("GITHUB_RUN_ATTEMPT", "")
    if attempt:
        if not attempt.isdigit() or int(attempt) < 1:
            raise _bad("GITHUB_RUN_ATTEMPT", attempt, "a positive integer")
        out["run_attempt"] = int(attempt)
    sha = env.get("GITHUB_SHA", "")
    if sha:
        if not _SHA.match(sha):
            raise _bad("GITHUB_SHA", sha, "a full lower-case commit id")
        out["sha"] = sha
    actor = env.get("GITHUB_ACTOR", "")
    if actor:
        if not _LOGIN.match(actor):
            raise _bad("GITHUB_ACTOR", actor, "a GitHub login")
        out["actor"] = actor
    return out
