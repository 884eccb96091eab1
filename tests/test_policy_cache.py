"""The build cache: a repeated check reads the revision recorded beside the cached bundle,
and that record gives the same revision as hashing the bundle's files; a bundle whose bytes
are no longer those recorded is hashed afresh. Real OPA."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from conftest import copy_policies
from gate.engine.toolchain import find_opa
from gate.policy import PolicySource, build_cached, content_revision


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("MRM_GATE_CACHE", str(folder))
    return folder


def test_recorded_revision_is_the_bundles_own(tmp_path: Path, cache: Path) -> None:
    source = PolicySource(copy_policies(tmp_path / "p"))
    first = build_cached(find_opa(), source)
    (record,) = (cache / "bundles").glob("*.revision")
    bundle_hash = hashlib.sha256(first.path.read_bytes()).hexdigest()
    assert record.read_text("utf-8") == f"{first.revision} {bundle_hash}\n"
    assert first.revision == content_revision(first.path)
    again = build_cached(find_opa(), source)
    assert (again.path, again.revision) == (first.path, first.revision)


@pytest.mark.parametrize("record", ["", "sha256:not-a-digest\n", None])
def test_a_missing_or_bad_record_is_rebuilt_from_the_bundle(
    tmp_path: Path, cache: Path, record: str | None
) -> None:
    source = PolicySource(copy_policies(tmp_path / "p"))
    first = build_cached(find_opa(), source)
    (path,) = (cache / "bundles").glob("*.revision")
    if record is None:
        path.unlink()
    else:
        path.write_text(record, "utf-8")
    assert build_cached(find_opa(), source).revision == first.revision
    bundle_hash = hashlib.sha256(first.path.read_bytes()).hexdigest()
    assert path.read_text("utf-8") == f"{first.revision} {bundle_hash}\n"


def test_changed_policies_get_their_own_build(tmp_path: Path, cache: Path) -> None:
    policies = copy_policies(tmp_path / "p")
    source = PolicySource(policies)
    before = build_cached(find_opa(), source)
    (policies / "extra.json").write_text('{"gate": {"extra": 1}}', "utf-8")
    after = build_cached(find_opa(), source)
    assert after.path != before.path and after.revision != before.revision
    assert after.revision == content_revision(after.path)
    assert len(list((cache / "bundles").glob("*.revision"))) == 2


def test_a_bundle_swapped_under_its_record_reports_its_own_revision(
    tmp_path: Path, cache: Path
) -> None:
    """A cached bundle replaced by other (validly stamped) policies is not reported with the
    stale revision recorded for the first: the revision names what OPA evaluates."""
    first_source = PolicySource(copy_policies(tmp_path / "p"))
    first = build_cached(find_opa(), first_source)
    other_policies = copy_policies(tmp_path / "q")
    (other_policies / "extra.json").write_text('{"gate": {"extra": 1}}', "utf-8")
    other = build_cached(find_opa(), PolicySource(other_policies))
    assert other.revision != first.revision
    shutil.copyfile(other.path, first.path)
    assert build_cached(find_opa(), first_source).revision == other.revision
