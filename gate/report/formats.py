"""The output formats by name, each a pure function ``(Decision, ReportContext) -> str``.

A formatter's module is imported when its format is asked for: the console table's
``rich`` costs tens of milliseconds of start-up that a JSON report should not pay.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable
from typing import TYPE_CHECKING

from gate.decision import Decision

if TYPE_CHECKING:
    from gate.report.context import ReportContext


def to_json(decision: Decision, context: ReportContext | None = None) -> str:
    """The decision record itself (every digit kept: it is evidence, not a summary)."""
    return json.dumps(decision.to_dict(), indent=2, sort_keys=True) + "\n"


Formatter = Callable[[Decision, "ReportContext | None"], str]
# Each format's module and function (``json`` is the one above).
FORMATTERS: dict[str, tuple[str, str]] = {
    "table": ("gate.report.console", "to_console"),
    "json": (__name__, "to_json"),
    "markdown": ("gate.report.markdown", "to_markdown"),
    "sarif": ("gate.report.sarif", "to_sarif"),
    "junit": ("gate.report.junit", "to_junit"),
    "github": ("gate.report.github", "to_github"),
}
FORMATS = tuple(FORMATTERS)
# Formats whose formatter reads no context: the JSON record is the decision alone, so the
# bundle's sources (YAML parsing) and git need not be read for it.
CONTEXT_FREE = frozenset({"json"})


def formatter(fmt: str) -> Formatter:
    module, name = FORMATTERS[fmt]
    found: Formatter = getattr(importlib.import_module(module), name)
    return found


def render(fmt: str, decision: Decision, context: ReportContext | None = None) -> str:
    return formatter(fmt)(decision, context)
