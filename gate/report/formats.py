"""The output formats by name, each a pure function ``(Decision, ReportContext) -> str``."""

from __future__ import annotations

import json
from collections.abc import Callable

from gate.decision import Decision
from gate.report.console import to_console
from gate.report.context import ReportContext
from gate.report.github import to_github
from gate.report.junit import to_junit
from gate.report.markdown import to_markdown
from gate.report.sarif import to_sarif


def to_json(decision: Decision, context: ReportContext | None = None) -> str:
    """The decision record itself (every digit kept: it is evidence, not a summary)."""
    return json.dumps(decision.to_dict(), indent=2, sort_keys=True) + "\n"


Formatter = Callable[[Decision, "ReportContext | None"], str]
FORMATTERS: dict[str, Formatter] = {
    "table": to_console,
    "json": to_json,
    "markdown": to_markdown,
    "sarif": to_sarif,
    "junit": to_junit,
    "github": to_github,
}
FORMATS = tuple(FORMATTERS)


def render(fmt: str, decision: Decision, context: ReportContext | None = None) -> str:
    return FORMATTERS[fmt](decision, context)
