"""The documentation pack: content, missing values, self-containment, and Chromium."""

from __future__ import annotations

import copy
import json
import re
import shutil
import subprocess
import tempfile
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from audit_support import BUNDLES, make_pair, make_record, run_cli
from pypdf import PdfReader
from sklearn.metrics import roc_auc_score

from conftest import NOW, asset, load_asset
from gate.audit import docs_pack
from gate.audit.docs_pack import monitoring_report
from gate.audit.ledger import Ledger
from gate.audit.record import standalone
from gate.decision import Decision
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
        bundle,
        Decision.from_json(record["decision"]),
        bundle_digest(bundle),
        approval_evidence=record["approvals"],
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
    pack = docs_pack.build_pack(bundle, Decision.from_json(decision), decision["bundle_digest"])
    html = docs_pack.to_html(pack)
    parsed = _parse(html)
    assert parsed.empty_cells == 0
    assert '<th>Constraints</th><td class="missing">missing</td>' in html
    assert "Fairness (adverse impact ratios): missing" in html
    annex = parsed.text["annex-iv"]
    assert "eu_ai_act.conformity.doc_uri" in annex
    md = docs_pack.to_markdown(pack)
    assert "| Constraints | missing |" in md


def test_overview_names_the_supervisory_guidance(records: dict[str, dict[str, Any]]) -> None:
    pack = _pack("credit-complete.json", records["credit-complete.json"])
    html = docs_pack.to_html(pack)
    assert "<th>Supervisory guidance</th><td>SR 26-2 (in force from 2026-04-17)</td>" in html
    md = docs_pack.to_markdown(pack)
    assert "| Supervisory guidance | SR 26-2 (in force from 2026-04-17) |" in md


def test_pack_refuses_a_decision_about_another_bundle(
    records: dict[str, dict[str, Any]],
) -> None:
    bundle = load_asset("bundles", "clinical-complete.json")
    with pytest.raises(UsageError, match="not this bundle"):
        docs_pack.build_pack(
            bundle,
            Decision.from_json(records["credit-complete.json"]["decision"]),
            bundle_digest(bundle),
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


def test_docs_of_a_deploy_decision_takes_the_head_the_decision_judged(
    tmp_path: Path, records: dict[str, dict[str, Any]]
) -> None:
    # A deploy of a merge commit judges the merged pull request's head: the decision's
    # digest binds that head, not the merge commit the bundle was collected at.
    bundle = asset("bundles", "credit-complete.json")
    head = "4" * 40
    assert load_asset("bundles", "credit-complete.json")["collected"]["git"]["commit"] != head
    record = copy.deepcopy(records["credit-complete.json"])
    record["decision"]["head_commit"] = head
    record["decision"]["bundle_digest"] = bundle_digest(load_asset("bundles", bundle.name), head)
    rec = tmp_path / "record.json"
    rec.write_text(json.dumps(record))
    out = run_cli("docs", "--bundle", str(bundle), "--decision", str(rec), "--output",
                  str(tmp_path / "p"))  # fmt: skip
    assert out.returncode == 0, out.stderr

    record["decision"]["head_commit"] = "5" * 40  # another head claimed for that digest
    rec.write_text(json.dumps(record))
    wrong = run_cli("docs", "--bundle", str(bundle), "--decision", str(rec), "--output",
                    str(tmp_path / "q"))  # fmt: skip
    assert wrong.returncode == 2 and "not this bundle" in wrong.stderr


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


# --------------------------------------------------------------------------- document


def _with_sample(seed: int = 7) -> dict[str, Any]:
    """The credit bundle with a scored validation sample: 600 records, scores that separate
    the classes, age bands that match the bundle's segments (62+ kept small on purpose)."""
    rng = np.random.default_rng(seed)
    bundle = copy.deepcopy(load_asset("bundles", "credit-complete.json"))
    labels = (rng.random(600) < 0.2).astype(int)
    scores = np.clip(rng.normal(0.2 + 0.3 * labels, 0.12), 0.001, 0.999).round(6)
    bands = np.array(["25-61"] * 600, dtype=object)
    bands[:150] = "18-24"
    bands[150:190] = "62+"
    bundle["validation"]["score_sample"] = {
        "scores": scores.tolist(),
        "labels": labels.tolist(),
        "segments": {"age_band": bands.tolist()},
    }
    for seg in bundle["validation"]["metrics"]["segments"]:
        if seg["segment"] == "62+":
            seg["n"] = 40
    return bundle


def _decision_for(bundle: dict[str, Any], records: dict[str, dict[str, Any]]) -> dict[str, Any]:
    decision = copy.deepcopy(records["credit-complete.json"]["decision"])
    decision["bundle_digest"] = bundle_digest(bundle)
    return decision


def _cells(html: str) -> list[list[str]]:
    """The text of every table row, cell by cell."""
    rows = re.findall(r"<tr>(.*?)</tr>", html, flags=re.S)
    cell = r"<t[dh][^>]*>(.*?)</t[dh]>"
    return [[unescape(re.sub(r"<[^>]+>", "", c)) for c in re.findall(cell, r)] for r in rows]


def test_intervals_are_computed_from_the_validation_sample(
    records: dict[str, dict[str, Any]],
) -> None:
    bundle = _with_sample()
    sample = bundle["validation"]["score_sample"]
    pack = docs_pack.build_pack(
        bundle, Decision.from_json(_decision_for(bundle, records)), bundle_digest(bundle)
    )
    html = docs_pack.to_html(pack)
    # The AUC of the sample by an independent implementation (scikit-learn).
    auc = roc_auc_score(sample["labels"], sample["scores"])
    overall = next(r for r in _cells(html) if r and r[0] == "auc")
    assert overall[2].startswith(f"{auc:.3f} (") and "DeLong" in overall[2]
    assert "DeLong" in html and "Wilson" in html
    events = sum(sample["labels"])
    assert f"{events} of 600" in html
    young = next(r for r in _cells(html) if r[:2] == ["age_band", "18-24"])
    young_labels = sample["labels"][:150]
    assert young[-2].startswith(f"{sum(young_labels)}/150: ")
    band_auc = roc_auc_score(young_labels, sample["scores"][:150])
    assert young[-3].startswith(f"{band_auc:.3f} (")
    old = next(r for r in _cells(html) if r[:2] == ["age_band", "62+"])
    assert old[-1] == "SMALL: read with care"
    assert young[-1] == "-"
    reported = bundle["validation"]["metrics"]["overall"]["auc"]
    assert f"{auc:.3f} from the sample, {reported:g} reported" in html
    others = next(r for r in _cells(html) if r[:2] == ["channel", "online"])
    assert others[-3:-1] == ["no sample", "no sample"]


def test_pack_draws_the_validators_charts(records: dict[str, dict[str, Any]]) -> None:
    bundle = _with_sample()
    pack = docs_pack.build_pack(
        bundle, Decision.from_json(_decision_for(bundle, records)), bundle_digest(bundle)
    )
    html = docs_pack.to_html(pack)
    figures = re.findall(r"<figure>(.*?)</figure>", html, flags=re.S)
    captions = [re.search(r"<figcaption>(.*?)</figcaption>", f).group(1) for f in figures]  # type: ignore[union-attr]
    for wanted in ("ROC curve", "Calibration by decile", "Score distributions of goods and bads",
                   "AUC by segment with DeLong 95% intervals", "PSI by score bin"):  # fmt: skip
        matching = [f for f, c in zip(figures, captions, strict=True) if c.startswith(wanted)]
        assert matching, wanted
        assert "<svg" in matching[0] and "<path" in matching[0], wanted
    # Text in the charts stays text (axis labels can be read and searched).
    assert "false positive rate" in html and "mean predicted probability" in html
    # The calibration table has ten deciles of 60 records.
    deciles = [r for r in _cells(html) if len(r) == 5 and r[0].isdigit() and r[1] == "60"]
    assert len(deciles) == 10


def test_without_a_sample_the_pack_says_what_it_cannot_compute(
    records: dict[str, dict[str, Any]],
) -> None:
    html = docs_pack.to_html(_pack("credit-complete.json", records["credit-complete.json"]))
    assert "No validation sample (validation.score_sample) in this bundle" in html
    assert "ROC curve" not in html


def test_ragged_sample_is_refused_with_its_json_path(
    tmp_path: Path, records: dict[str, dict[str, Any]]
) -> None:
    bundle = _with_sample()
    bundle["validation"]["score_sample"]["labels"].pop()
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(bundle))
    rec = tmp_path / "decision.json"
    rec.write_text(json.dumps(_decision_for(bundle, records)))
    out = run_cli("docs", "--bundle", str(path), "--decision", str(rec), "--output",
                  str(tmp_path / "p"))  # fmt: skip
    assert out.returncode == 2, out.stderr
    assert "$.validation.score_sample.labels" in out.stderr
    assert "Traceback" not in out.stderr
    assert not (tmp_path / "p").exists()


def test_document_control_names_approvers_with_role_date_and_digest(
    records: dict[str, dict[str, Any]],
) -> None:
    record = records["credit-complete.json"]
    html = docs_pack.to_html(_pack("credit-complete.json", record))
    parsed = _parse(html)
    assert list(parsed.text)[0] == "control"
    rows = _cells(html)
    digest = record["bundle_digest"]
    for req in record["approvals"]:
        for given in req["evidence"]:
            row = next(r for r in rows if r[:2] == [given["login"], req["role"]])
            assert row[2] == given["at"] and digest in row[4]
    validator = next(r for r in rows if r[:2] == ["vera-validator", "independent validator"])
    assert validator[2] == "2026-10-20T16:00:00Z"
    assert "Document version" in parsed.text["control"]


def test_approvals_dated_before_the_commit_are_flagged(
    records: dict[str, dict[str, Any]],
) -> None:
    record = copy.deepcopy(records["credit-complete.json"])
    first = record["approvals"][0]["evidence"][0]
    first["at"] = "2026-06-01T09:00:00Z"  # the change's first commit is 2026-06-03
    html = docs_pack.to_html(_pack("credit-complete.json", record))
    warning = re.search(r'<p class="warning">Dates out of order: (.*?)</p>', html)
    assert warning is not None
    assert f"{first['login']}" in warning.group(1) and "before the first commit" in warning.group(1)


def test_hyperparameter_grids_are_readable(records: dict[str, dict[str, Any]]) -> None:
    bundle = copy.deepcopy(load_asset("bundles", "credit-complete.json"))
    bundle["model_design"]["hyperparameters"] = {"lda_grid_C": [0.5, 0.1, 0.05], "penalty": "l2"}
    pack = docs_pack.build_pack(
        bundle, Decision.from_json(_decision_for(bundle, records)), bundle_digest(bundle)
    )
    rows = _cells(docs_pack.to_html(pack))
    assert ["lda_grid_C", "grid searched: 0.5, 0.1, 0.05"] in rows
    assert ["penalty", "l2"] in rows


def test_sections_name_their_evidence_and_the_controls_that_read_it(
    records: dict[str, dict[str, Any]],
) -> None:
    bundle = load_asset("bundles", "credit-complete.json")
    html = docs_pack.to_html(_pack("credit-complete.json", records["credit-complete.json"]))
    validation = re.search(r'<section id="validation">.*?<div class="basis">(.*?)</div>', html,
                           flags=re.S)  # fmt: skip
    assert validation is not None
    source = next(s for s in bundle["provenance"]["sources"] if s.get("section") == "validation")
    assert source["path"] in validation.group(1) and source["sha256"] in validation.group(1)
    assert "SR 11-7" in validation.group(1)
    statuses = {
        c["id"]: c["status"] for c in records["credit-complete.json"]["decision"]["controls"]
    }
    assert f"SR117-VAL-01 ({statuses['SR117-VAL-01'].replace('_', ' ')})" in validation.group(1)


def test_ledger_gives_the_version_and_the_change_history(
    tmp_path: Path, opa: OpaBinary, policies: PolicySource
) -> None:
    ledger = tmp_path / "ledger.jsonl"
    book = Ledger(ledger)
    merge_rec, merge_input = make_pair(opa, policies, "credit-complete.json", "merge")
    prod_rec, prod_input = make_pair(opa, policies, "credit-complete.json", "production")
    book.append(merge_rec, merge_input)
    book.append(prod_rec, prod_input)
    rec = tmp_path / "record.json"
    rec.write_text(json.dumps(standalone(prod_rec, prod_input)))
    out = run_cli("docs", "--bundle", str(asset("bundles", "credit-complete.json")),
                  "--decision", str(rec), "--ledger", str(ledger),
                  "--output", str(tmp_path / "p"))  # fmt: skip
    assert out.returncode == 0, out.stderr
    html = (tmp_path / "p" / "model-documentation.html").read_text()
    rows = _cells(html)
    assert ["Document version", "3.0.0-2"] in rows
    history = [r for r in rows if r and r[0] in ("0", "this document")]
    assert [r[0] for r in history] == ["0", "this document"]
    assert history[0][2] == "merge" and history[1][2] == "production"
    assert "stage merge -> production" in history[1][4]


def test_the_change_history_holds_only_this_model_and_names_the_version_change(
    tmp_path: Path, opa: OpaBinary, policies: PolicySource
) -> None:
    ledger = tmp_path / "ledger.jsonl"
    book = Ledger(ledger)
    book.append(*make_pair(opa, policies, "clinical-complete.json", "merge"))  # another model
    older = copy.deepcopy(load_asset("bundles", "credit-complete.json"))
    older["model"]["version"] = "2.9.0"
    older_path = tmp_path / "older.json"
    older_path.write_text(json.dumps(older))
    recorded = run_cli("record", "--bundle", str(older_path), "--stage", "merge",
                       "--now", NOW, "--ledger", str(ledger))  # fmt: skip
    # The edited version no longer matches the validated one: denied, and recorded all the same.
    assert recorded.returncode == 1 and "record 1" in recorded.stderr, recorded.stderr
    prod_rec, prod_input = make_pair(opa, policies, "credit-complete.json", "production")
    rec = tmp_path / "record.json"
    rec.write_text(json.dumps(standalone(prod_rec, prod_input)))
    out = run_cli("docs", "--bundle", str(asset("bundles", "credit-complete.json")),
                  "--decision", str(rec), "--ledger", str(ledger),
                  "--output", str(tmp_path / "p"))  # fmt: skip
    assert out.returncode == 0, out.stderr
    rows = _cells((tmp_path / "p" / "model-documentation.html").read_text())
    assert ["Document version", "3.0.0-2"] in rows
    history = [r for r in rows if r and r[0] in ("0", "1", "this document")]
    assert [r[0] for r in history] == ["1", "this document"]
    assert history[1][4].startswith("model version 2.9.0 -> 3.0.0; evidence sha256:")
    assert "stage merge -> production" in history[1][4]
    assert "artefact" not in history[1][4]


@pytest.mark.browser
def test_pdf_pack_reads_like_the_html(tmp_path: Path, records: dict[str, dict[str, Any]]) -> None:
    _chromium()
    bundle = _with_sample()
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(bundle))
    rec = tmp_path / "decision.json"
    rec.write_text(json.dumps(_decision_for(bundle, records)))
    out = run_cli("docs", "--bundle", str(path), "--decision", str(rec), "--pdf",
                  "--output", str(tmp_path / "pack"))  # fmt: skip
    assert out.returncode == 0, out.stderr
    pdf = PdfReader(tmp_path / "pack" / "model-documentation.pdf")
    # One page for document control, one a section in print, long tables and charts spill.
    assert 10 <= len(pdf.pages) <= 60, len(pdf.pages)
    words = " ".join(" ".join((page.extract_text() or "").split()) for page in pdf.pages)
    for wanted in ("Document control", "Reviewers and approvers", "Validation summary",
                   "DeLong", "Wilson", "EU AI Act Annex IV", "Compliance matrix",
                   bundle_digest(bundle)):  # fmt: skip
        assert wanted in words, wanted
    # The charts are in the PDF as drawings with their text: axis labels of the ROC and of
    # the calibration chart, the legend of the score distributions.
    for label in ("false positive rate", "mean predicted probability", "goods (n="):
        assert label in words, label
    first = " ".join((pdf.pages[0].extract_text() or "").split())
    assert "Document control" in first and "Document version" in first
    assert "Identification and decision" not in first  # the print stylesheet breaks pages


def test_docs_writes_the_monitoring_report_of_the_latest_period(
    tmp_path: Path, records: dict[str, dict[str, Any]]
) -> None:
    rec = tmp_path / "record.json"
    rec.write_text(json.dumps(records["credit-complete.json"]))
    bundle = load_asset("bundles", "credit-complete.json")
    out = run_cli("docs", "--bundle", str(asset("bundles", "credit-complete.json")),
                  "--decision", str(rec), "--output", str(tmp_path / "p"))  # fmt: skip
    assert out.returncode == 0, out.stderr
    html = (tmp_path / "p" / "monitoring-report.html").read_text()
    assert "Monitoring report:" in html and "1 period(s)" in html
    (row,) = [r for r in _cells(html) if r and r[0] == "2026-10-01 to 2026-10-31"]
    assert row[3] == f"{bundle['monitoring']['latest']['psi_score']:g}"
    assert row[6] == f"{bundle['monitoring']['latest']['metrics']['auc']:g}"
    assert "<svg" in html


def test_monitoring_report_of_the_bundle_shows_a_waived_control_and_an_undated_period(
    records: dict[str, dict[str, Any]],
) -> None:
    bundle = copy.deepcopy(load_asset("bundles", "credit-complete.json"))
    del bundle["monitoring"]["latest"]["period"]  # a sample without dates has no period
    decision = _decision_for(bundle, records)
    waiver = {
        "control_id": "MON-PSI-01",
        "framework": "SR 11-7",
        "section": "Ongoing monitoring",
        "severity": "high",
        "title": "Population stability",
        "msg": "no monitoring period",
        "remediation": "record a monitoring period",
        "evidence_path": "$",
    }
    decision["waived"] = [waiver]
    periods = monitoring_report.from_bundle(bundle, Decision.from_json(decision))
    assert [p["outcome"] for p in periods] == ["waived"]
    html = docs_pack.to_html(monitoring_report.build_report(bundle, periods))
    (row,) = [r for r in _cells(html) if r and r[0].startswith("computed ")]
    assert row[0] == "computed 2026-11-05 (no period)"
    assert row[2] == "WAIVED" and row[9] == "waived: MON-PSI-01"
