"""DVC hashes are checked against the data the checkout holds (what `dvc status` says)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "collect"))

from collect_support import collect, git, make_repo  # noqa: E402

from gate.collect.dvc import dir_md5  # noqa: E402


def test_the_asset_data_matches_its_dvc_hashes(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    assert collect(repo).exit_code == 0


def test_dir_hash_is_dvcs(tmp_path: Path) -> None:
    # The value DVC itself (dvc-data's `build`) gives for the asset's data/features.
    features = make_repo(tmp_path) / "data" / "features"
    assert dir_md5(features) == "6dd7471e1319b371b4179f0e11625d6c"


def test_a_changed_data_file_is_caught(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    with (repo / "data" / "applicants.csv").open("a") as fh:
        fh.write("A9999,12,1000,none,good\n")
    git(repo, "commit", "-qam", "more applicants, not versioned")
    result = collect(repo)
    assert result.exit_code == 2, result.output
    assert "data snapshot data/applicants.csv: the file's md5 is" in result.stderr
    assert "0561de19cfcc30f7d27a8a2ba600bcb3 is recorded" in result.stderr
    assert "dvc checkout" in result.stderr
    assert not (repo / "evidence" / "bundle.json").exists()


def test_a_changed_file_inside_a_versioned_directory_is_caught(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    (repo / "data" / "features" / "part-2.csv").write_text("applicant_id\nA0001\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "an extra feature file")
    result = collect(repo)
    assert result.exit_code == 2, result.output
    assert "data snapshot data/features/: the file's md5 is" in result.stderr


def test_data_missing_from_the_checkout_fails_closed(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    git(repo, "rm", "-q", "data/applicants.csv")
    git(repo, "commit", "-qm", "data not pulled")
    result = collect(repo)
    assert result.exit_code == 2, result.output
    assert "data/applicants.csv is not in the checkout" in result.stderr
    assert "dvc pull" in result.stderr
