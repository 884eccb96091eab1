"""`mrm-gate validate`: every problem at once, each with file, JSON path and fix."""

from __future__ import annotations

import json
from pathlib import Path

from collect_support import invoke

from gate.evidence import bundle_digest

CREDIT = Path(__file__).resolve().parents[1] / "assets" / "bundles" / "credit-complete.json"


def test_valid_bundle_prints_valid_and_the_digest() -> None:
    result = invoke("validate", "--bundle", str(CREDIT))
    assert result.exit_code == 0, result.output
    digest = bundle_digest(json.loads(CREDIT.read_text("utf-8")))
    assert result.stdout.strip() == f"valid {digest}"


def test_all_errors_are_reported_with_path_and_fix(tmp_path: Path) -> None:
    bundle = json.loads(CREDIT.read_text("utf-8"))
    bundle["model"]["risk_tier"] = "extreme"
    del bundle["model"]["version"]
    bundle["artifact"]["digest"] = "md5:abc"
    bundle["modle"] = {}
    target = tmp_path / "bundle.json"
    target.write_text(json.dumps(bundle), "utf-8")
    result = invoke("validate", "--bundle", str(target))
    assert result.exit_code == 2
    err = result.stderr
    assert "4 problem(s)" in err
    assert f"{target}: $.model.risk_tier: 'extreme' is not one of" in err
    assert "fix: use one of ['high', 'medium', 'low']" in err
    assert f"{target}: $.model: 'version' is a required property (fix: add the missing" in err
    assert f"{target}: $.artifact.digest:" in err
    assert "'modle' was unexpected" in err


def test_malformed_bundle_exits_2(tmp_path: Path) -> None:
    target = tmp_path / "bundle.json"
    target.write_text('{"apiVersion": "mrm-gate/v1", "apiVersion": "x"}', "utf-8")
    result = invoke("validate", "--bundle", str(target))
    assert result.exit_code == 2
    assert "duplicate key 'apiVersion'" in result.stderr


def test_missing_bundle_exits_2(tmp_path: Path) -> None:
    result = invoke("validate", "--bundle", str(tmp_path / "none.json"))
    assert result.exit_code == 2
    assert "none.json" in result.stderr
