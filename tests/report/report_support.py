"""A workspace for the report tests: the credit bundle made to fail two controls, with the
two files that gave the failing fields written at lines known here, and the bundle's
provenance naming them with their sha256 (as collect records it)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from conftest import NOW, load_asset
from gate.cli import cli

# Written by hand, so the lines below are known without the code under test.
VALIDATION_JSON = """{
  "record_id": "VAL-2026-0193",
  "scope": "full",
  "outcome": "rejected"
}
"""
OUTCOME_LINE = 4
METRICS_YAML = """# holdout metrics
gini: 0.558
auc: 0.6123456789
"""
AUC_LINE = 3
LONG_AUC = 0.6123456789


@dataclass(frozen=True)
class Workspace:
    root: Path
    bundle: Path

    def check(self, *args: str, stage: str = "production") -> tuple[int, str, str]:
        result = CliRunner().invoke(
            cli,
            ["check", "--bundle", str(self.bundle), "--stage", stage, "--now", NOW, *args],
            env={"GITHUB_WORKSPACE": str(self.root), "NO_COLOR": None},
        )
        return result.exit_code, result.stdout, result.stderr


def _source(path: str, text: str, kind: str, section: str) -> dict[str, str]:
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return {"path": path, "sha256": sha, "kind": kind, "section": section}


def failing_workspace(tmp: Path) -> Workspace:
    root = tmp / "repo"
    (root / "reports").mkdir(parents=True)
    (root / "reports" / "validation.json").write_text(VALIDATION_JSON, "utf-8")
    (root / "reports" / "metrics.yml").write_text(METRICS_YAML, "utf-8")
    bundle: dict[str, Any] = load_asset("bundles", "credit-complete.json")
    bundle["validation"]["outcome"] = "rejected"
    bundle["testing"]["results"]["auc"] = LONG_AUC
    bundle["provenance"]["sources"] = [
        _source("reports/validation.json", VALIDATION_JSON, "validation", "validation"),
        _source("reports/metrics.yml", METRICS_YAML, "metrics", "testing.results"),
    ]
    path = root / "evidence" / "bundle.json"
    path.parent.mkdir()
    path.write_text(json.dumps(bundle, indent=2, sort_keys=True) + "\n", "utf-8")
    return Workspace(root, path)
