"""The renderers: the document model through Jinja2 templates (package data) into one
self-contained HTML file, Markdown, and a PDF printed by headless Chromium.

Jinja2 (well kept, autoescaping) keeps the layout in templates a reader can change without
touching the content code; HTML is autoescaped, only the SVG charts are marked safe.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape

from gate.audit.docs_pack.model import MISSING, STATUS_LABEL, Pack
from gate.errors import ReportingError
from gate.report.text import md_cell as text_md_cell

_STATUS_CLASS = {label: key.replace("_", "-") for key, label in STATUS_LABEL.items()}


def cell_class(value: str) -> str:
    if value == MISSING:
        return "missing"
    if value in _STATUS_CLASS:
        return f"st-{_STATUS_CLASS[value]}"
    if value.startswith("SMALL") or value == "NO":
        return "flag"
    if any(len(token) > 40 for token in value.split()):
        return "hash"
    return ""


def lines(value: str) -> Markup:
    return Markup("<br>").join(escape(v) for v in str(value).split("\n"))


def md_cell(value: Any) -> str:
    """A table cell of the pack: its lines joined with "; ", an empty one shown as missing."""
    return text_md_cell(str(value).replace("\n", "; ")) or MISSING


def pad(rows: list[list[str]], width: int) -> list[list[str]]:
    return [(list(row) + [MISSING] * width)[:width] for row in rows]


def chart_rows(bars: list[tuple[str, float]]) -> list[list[str]]:
    return [[label, f"{value:g}"] for label, value in bars]


@cache
def environment(autoescape: bool) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("gate.audit.docs_pack", "templates"),
        autoescape=autoescape,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    env.filters.update(
        cell_class=cell_class, lines=lines, md_cell=md_cell, pad=pad, chart_rows=chart_rows
    )
    return env


def render(template: str, **context: Any) -> str:
    """A template of this package; ``.html`` templates are autoescaped."""
    return environment(template.endswith(".html.j2")).get_template(template).render(**context)


def to_html(pack: Pack) -> str:
    return render("pack.html.j2", pack=pack).rstrip("\n") + "\n"


def to_markdown(pack: Pack) -> str:
    return render("pack.md.j2", pack=pack)


CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-pdf-header-footer",
)


def to_pdf(html: Path, pdf: Path, *, timeout: float = 120.0) -> None:
    """Print the HTML pack to PDF with headless Chromium, using the pack's print stylesheet.

    Chromium prints into a temporary file that replaces ``pdf`` only when it is complete.
    """
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    if binary is None:
        raise ReportingError(
            "chromium is not installed: the PDF pack is printed by headless Chromium",
            hint="install it (Debian: apt-get install -y chromium) or leave out --pdf",
        )
    pdf.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="mrm-gate-pdf-") as tmp:
        out = Path(tmp) / "pack.pdf"
        cmd = [binary, *CHROMIUM_FLAGS, f"--user-data-dir={tmp}/profile",
               f"--print-to-pdf={out}", html.resolve().as_uri()]  # fmt: skip
        try:
            done = subprocess.run(cmd, capture_output=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise ReportingError(f"chromium did not print the PDF within {timeout:g}s") from None
        if done.returncode != 0 or not out.is_file() or out.read_bytes()[:5] != b"%PDF-":
            tail = done.stderr.decode(errors="replace")[-800:]
            raise ReportingError(f"chromium could not print {html} to PDF: {tail.strip()}")
        os.replace(out, pdf)
