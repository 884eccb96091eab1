"""docs/evidence.md is generated from the schema and must be kept up to date."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "gen_evidence_docs", ROOT / "scripts" / "gen_evidence_docs.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_docs_evidence_md_is_up_to_date() -> None:
    gen = _generator()
    expected = gen.render(json.loads(gen.SCHEMA.read_text("utf-8")))
    current = (ROOT / "docs" / "evidence.md").read_text("utf-8")
    assert current == expected, "run: python scripts/gen_evidence_docs.py"


def test_rendering_is_deterministic_and_covers_required_fields() -> None:
    gen = _generator()
    schema = json.loads(gen.SCHEMA.read_text("utf-8"))
    text = gen.render(schema)
    assert text == gen.render(json.loads(gen.SCHEMA.read_text("utf-8")))
    assert "| `model.risk_tier` | one of `high`, `medium`, `low` | yes |" in text
    assert "`provenance.sources[].sha256`" in text
    assert "`collected.git.commit`" in text
