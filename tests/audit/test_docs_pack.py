"""The documentation pack: content, missing values, self-containment, and Chromium."""

from __future__ import annotations

import copy
import json
import re
import shutil
import subprocess
import tempfile
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from audit_support import BUNDLES, make_record, run_cli

from conftest import asset, load_asset
from gate.audit import docs_pack
from gate.engine.toolchain import OpaBinary
from gate.errors import UsageError
from gate.evidence import bundle_digest
from gate.policy import PolicySource

COMMON = ["control", "overview", "development", "data", "validation", "compliance", "annex-iv"]
# The clinical example is a device software function: it has the FDA device documentation.
SECTIONS = {
    "credit-complete.json": [*COMMON, "approvals", "reproducibility", "monitoring"],
    "clinical-complete.json": [*COMMON, "fda", "approvals", "reproducibility", "monitoring"],
}


@pytest.fixture(scope="module")
def records(opa: OpaBinary, policies: PolicySource) -> dict[str, dict[str, Any]]:
    return {name: make_record(opa, policies, name, "production") for name in BUNDLES}


class Sections(HTMLParser):
    """Text inside each <section>, plus which tags each one holds."""

    def __init__(self) -> None:
        super().__init__()
        self.current: str | None = None
        self.text: dict[str, str] = {}
        self.tags: dict[str, set[str]] = {}
        self.empty_cells = 0
        self._cell = False
        self._cell_text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "section":
            self.current = dict(attrs).get("id") or "?"
            self.text[self.current] = ""
            self.tags[self.current] = set()
        elif self.current:
            self.tags[self.current].add(tag)
        if tag in ("td", "th"):
            self._cell, self._cell_text = True, ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "section":
            self.current = None
        if tag in ("td", "th") and self._cell:
            self._cell = False
            if not self._cell_text.strip():
                self.empty_cells += 1

    def handle_data(self, data: str) -> None:
        if self.current:
            self.text[self.current] += data
        if self._cell:
            self._cell_text += data


def _parse(html: str) -> Sections:
    parser = Sections()
    parser.feed(html)
    return parser


def _body_text(parsed: Sections, section: str) -> str:
    """A section's text without its heading."""
    heading = {
        "overview": "Identification and decision",
        "annex-iv": "EU AI Act Annex IV cross-reference",
    }.get(section, "")
    return parsed.text[section].replace(heading, "", 1).strip()


def _pack(name: str, record: dict[str, Any]) -> docs_pack.Pack:
    bundle = load_asset("bundles", name)
    return docs_pack.build_pack(
        bundle, record["decision"], bundle_digest(bundle), approval_evidence=record["approvals"]
    )


@pytest.mark.parametrize("name", BUNDLES)
def test_pack_has_every_section_with_content(name: str, records: dict[str, dict[str, Any]]) -> None:
    pack = _pack(name, records[name])
    html = docs_pack.to_html(pack)
    parsed = _parse(html)
    assert list(parsed.text) == SECTIONS[name]
    for section in SECTIONS[name]:
        assert len(_body_text(parsed, section)) > 80, section
        assert parsed.tags[section] & {"table", "figure"}, section
    assert parsed.empty_cells == 0
    digest = records[name]["bundle_digest"]
    assert html.count(digest) >= 2
    md = docs_pack.to_markdown(pack)
    assert f"Bundle digest: `{digest}`" in md
    for section in pack.sections:
        assert f"## {section.title}" in md
    assert "| |" not in md and "||" not in md.replace("\\|", "")


@pytest.mark.parametrize("name", BUNDLES)
def test_every_figure_comes_from_the_bundle(name: str, records: dict[str, dict[str, Any]]) -> None:
    bundle = load_asset("bundles", name)
    html = docs_pack.to_html(_pack(name, records[name]))
    overall = bundle["validation"]["metrics"]["overall"]
    for value in overall.values():
        assert f"{value:g}" in html
    for segment in bundle["validation"]["metrics"]["segments"]:
        assert str(segment["n"]) in html
        for value in segment["metrics"].values():
            assert f">{value:g}<" in html  # table cell and chart label
    assert html.count("<svg") >= 2
    for control in records[name]["decision"]["controls"]:
        assert control["id"] in html
    for req in records[name]["approvals"]:
        assert all(login in html for login in req["satisfied_by"])
    assert bundle["reproducibility"]["git_commit"] in html


@pytest.mark.parametrize("name", BUNDLES)
def test_pack_is_self_contained(name: str, records: dict[str, dict[str, Any]]) -> None:
    html = docs_pack.to_html(_pack(name, records[name]))
    lowered = html.lower()
    for forbidden in ("<script", "<link", "<img", "<iframe", "@import", "src=", "@font"):
        assert forbidden not in lowered, forbidden
    # The charts clip by reference to their own elements, url(#id); nothing else is named.
    assert re.findall(r"url\((?!#)", lowered) == []
    # Only the SVG namespace may name a URL in markup; bundle values are text.
    hrefs = re.findall(r'href="([^"]*)"', html)
    assert hrefs and all(h.startswith("#") for h in hrefs)


def test_missing_values_are_shown_as_missing(records: dict[str, dict[str, Any]]) -> None:
    bundle = copy.deepcopy(load_asset("bundles", "credit-complete.json"))
    del bundle["model_design"]["constraints"]
    bundle["validation"]["metrics"]["segments"] = []
    del bundle["fairness"]
    del bundle["eu_ai_act"]["conformity"]
    decision = copy.deepcopy(records["credit-complete.json"]["decision"])
    decision["bundle_digest"] = bundle_digest(bundle)
    pack = docs_pack.build_pack(bundle, decision, decision["bundle_digest"])
    html = docs_pack.to_html(pack)
    parsed = _parse(html)
    assert parsed.empty_cells == 0
    assert '<th>Constraints</th><td class="missing">missing</td>' in html
    assert "Fairness (adverse impact ratios): missing" in html
    annex = parsed.text["annex-iv"]
    assert "eu_ai_act.conformity.doc_uri" in annex
    md = docs_pack.to_markdown(pack)
    assert "| Constraints | missing |" in md


def test_pack_refuses_a_decision_about_another_bundle(
    records: dict[str, dict[str, Any]],
) -> None:
    bundle = load_asset("bundles", "clinical-complete.json")
    with pytest.raises(UsageError, match="not this bundle"):
        docs_pack.build_pack(
            bundle, records["credit-complete.json"]["decision"], bundle_digest(bundle)
        )


def test_docs_cli_writes_both_files_and_refuses_mismatches(
    tmp_path: Path, records: dict[str, dict[str, Any]]
) -> None:
    rec = tmp_path / "record.json"
    rec.write_text(json.dumps(records["credit-complete.json"]))
    bundle = str(asset("bundles", "credit-complete.json"))
    out = run_cli(
        "docs", "--bundle", bundle, "--decision", str(rec), "--output", str(tmp_path / "p")
    )
    assert out.returncode == 0, out.stderr
    html = (tmp_path / "p" / "model-documentation.html").read_text()
    assert "validator-approver-1 via review" in html
    assert (tmp_path / "p" / "model-documentation.md").stat().st_size > 5000

    other = str(asset("bundles", "clinical-complete.json"))
    wrong = run_cli("docs", "--bundle", other, "--decision", str(rec), "--output",
                    str(tmp_path / "q"))  # fmt: skip
    assert wrong.returncode == 2 and "not this bundle" in wrong.stderr
    assert not (tmp_path / "q").exists()
    junk = tmp_path / "junk.json"
    junk.write_text(json.dumps({"allow": True}))
    bad = run_cli("docs", "--bundle", bundle, "--decision", str(junk), "--output",
                  str(tmp_path / "r"))  # fmt: skip
    assert bad.returncode == 2 and "$.controls" in bad.stderr


# --------------------------------------------------------------------------- Chromium

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _chromium() -> str:
    found = shutil.which("chromium")
    if found is None:
        pytest.fail(
            "chromium is not installed; the documentation pack is checked in a real browser. "
            "Install Debian's package: sudo apt-get update && sudo apt-get install -y chromium"
        )
    return found


def _run_chromium(binary: str, *args: str) -> subprocess.CompletedProcess[bytes]:
    with tempfile.TemporaryDirectory(prefix="mrm-gate-chromium-") as profile:
        return subprocess.run(
            [binary, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
            capture_output=True,
            timeout=120,
            check=False,
        )


@pytest.mark.parametrize("name", BUNDLES)
@pytest.mark.browser
def test_html_pack_renders_in_headless_chromium(
    name: str, records: dict[str, dict[str, Any]], tmp_path: Path
) -> None:
    binary = _chromium()
    rec = tmp_path / "record.json"
    rec.write_text(json.dumps(records[name]))
    out = run_cli("docs", "--bundle", str(asset("bundles", name)), "--decision", str(rec),
                  "--output", str(tmp_path / "pack"))  # fmt: skip
    assert out.returncode == 0, out.stderr
    page = (tmp_path / "pack" / "model-documentation.html").resolve().as_uri()

    shot = tmp_path / f"{Path(name).stem}.png"
    done = _run_chromium(binary, "--window-size=1280,4000", f"--screenshot={shot}", page)
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) > 50_000

    dom = _run_chromium(binary, "--dump-dom", page)
    assert dom.returncode == 0, dom.stderr.decode(errors="replace")[-2000:]
    parsed = _parse(dom.stdout.decode("utf-8"))
    assert list(parsed.text) == SECTIONS[name]
    for section in SECTIONS[name]:
        assert len(_body_text(parsed, section)) > 80, f"section {section} is empty"
    assert parsed.empty_cells == 0
    assert records[name]["bundle_digest"] in dom.stdout.decode("utf-8")
    keep = Path(tempfile.gettempdir()) / "mrm-gate-docs-screenshots"
    keep.mkdir(exist_ok=True)
    shutil.copy(shot, keep / shot.name)
