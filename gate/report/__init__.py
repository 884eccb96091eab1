"""Where a decision becomes output: one pure formatter per format, sharing the text helpers
of :mod:`gate.report.text`. Where the text goes (standard output, a file, GitHub) is the
CLI's business; which file and line a field came from is :mod:`gate.report.locations`'."""

from __future__ import annotations

from gate.report.formats import FORMATS, render

__all__ = ["FORMATS", "render"]
