"""Recording decisions and replaying them with the real OPA."""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from audit_support import BUNDLES, entry, make_pair, make_record, read_lines, run_cli

from conftest import NOW, asset
from gate.audit.ledger import Ledger, entry_hash, inputs_path
from gate.audit.record import CanonicalInput
from gate.audit.replay import replay
from gate.engine.local import LocalOpaEngine
from gate.engine.toolchain import OpaBinary
from gate.fileio import canonical_json
from gate.policy import PolicySource, default_policy_dir

CI_ENV = {
    "GITHUB_SERVER_URL": "https://github.com",
    "GITHUB_REPOSITORY": "acme-bank/credit-pd-retail",
    "GITHUB_RUN_ID": "9876543210",
}


@pytest.mark.parametrize("name", BUNDLES)
@pytest.mark.parametrize("stage", ["merge", "production"])
def test_replay_reproduces_recorded_decisions(
    opa: OpaBinary, policies: PolicySource, tmp_path: Path, name: str, stage: str
) -> None:
    book = Ledger(tmp_path / "ledger.jsonl")
    allowed, allowed_input = make_pair(opa, policies, name, stage)
    book.append(allowed, allowed_input)
    assert allowed["allow"] is True
    denied, denied_input = make_pair(opa, policies, name, stage, approve=False)
    book.append(denied, denied_input)
    assert denied["allow"] is (stage == "merge")
    out = run_cli("replay", "--ledger", str(book.path), "--index", "0")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "replayed decision: SAME" in out.stdout
    assert "replay: reproduced" in out.stdout
    assert "DIFFERS" not in out.stderr
    second = book.get(1)
    assert book.input_of(second) == denied_input  # read back from the input store
    again = replay(
        second.record, book.input_of(second), LocalOpaEngine(opa, policies), policies.revision()
    )
    assert again.reproduced and again.differing_fields == ()
    assert again.replayed["allow"] is denied["allow"]


def test_record_cli_evaluates_appends_and_exits_like_check(tmp_path: Path) -> None:
    ledger = tmp_path / "audit" / "ledger.jsonl"
    bundle = str(asset("bundles", "credit-complete.json"))
    common = ["--bundle", bundle, "--ledger", str(ledger), "--now", NOW]
    merge = run_cli("record", *common, "--stage", "merge", "--output", str(tmp_path / "r.json"),
                    env=CI_ENV)  # fmt: skip
    assert merge.returncode == 0, merge.stderr
    assert "allowed at merge" in merge.stderr and "record 0" in merge.stderr
    prod = run_cli("record", *common, "--stage", "production")
    assert prod.returncode == 1, prod.stderr
    assert "denied at production" in prod.stderr and "record 1" in prod.stderr

    rec = json.loads((tmp_path / "r.json").read_text())
    assert rec["ci"] == {
        "run_url": "https://github.com/acme-bank/credit-pd-retail/actions/runs/9876543210",
        "repository": "acme-bank/credit-pd-retail",
        "run_id": "9876543210",
    }
    assert rec["opa_version"] and rec["policy"]["revision"].startswith("sha256:")
    line = read_lines(ledger)[0]
    assert entry(line)["record"] == {k: v for k, v in rec.items() if k != "input"}
    stored = inputs_path(ledger) / f"{rec['input_digest'][7:]}.json"
    assert CanonicalInput.parse(stored.read_bytes()) == CanonicalInput.of(rec["input"])
    replayed = run_cli("replay", "--record", str(tmp_path / "r.json"))
    assert replayed.returncode == 0, replayed.stderr
    # A bare ledger entry carries no input: replay reads it from the ledger's input store.
    (tmp_path / "entry.json").write_bytes(line)
    bare = run_cli("replay", "--record", str(tmp_path / "entry.json"), "--ledger", str(ledger))
    assert bare.returncode == 0 and "replay: reproduced" in bare.stdout, bare.stderr
    assert run_cli("ledger", "verify", "--ledger", str(ledger)).returncode == 0
    stored.unlink()
    lost = run_cli("replay", "--record", str(tmp_path / "entry.json"), "--ledger", str(ledger))
    assert lost.returncode == 2 and "is missing" in lost.stderr
    assert run_cli("ledger", "verify", "--ledger", str(ledger)).returncode == 1


def test_record_from_a_check_decision(tmp_path: Path) -> None:
    bundle = str(asset("bundles", "clinical-complete.json"))
    ledger = str(tmp_path / "l.jsonl")
    decision = tmp_path / "decision.json"
    check = run_cli("check", "--bundle", bundle, "--stage", "merge", "--format", "json",
                    "--output", str(decision), "--now", NOW)  # fmt: skip
    assert check.returncode == 0, check.stderr
    out = run_cli("record", "--bundle", bundle, "--decision", str(decision), "--ledger", ledger)
    assert out.returncode == 0, out.stderr
    recorded = entry(read_lines(Path(ledger))[0])["record"]
    assert recorded["decision"]["decided_at"] == NOW

    # A decision the bundle does not give (here: a forged verdict) is refused, nothing written.
    forged = json.loads(decision.read_text())
    forged["stage"] = "production"
    decision.write_text(json.dumps(forged))
    refused = run_cli("record", "--bundle", bundle, "--decision", str(decision), "--ledger",
                      ledger)  # fmt: skip
    assert refused.returncode == 2
    assert "cannot be reproduced" in refused.stderr and "--stage" in refused.stderr
    assert len(read_lines(Path(ledger))) == 1


def test_record_usage_errors(tmp_path: Path) -> None:
    bundle = str(asset("bundles", "credit-complete.json"))
    both = run_cli("record", "--bundle", bundle, "--ledger", str(tmp_path / "l"))
    assert both.returncode == 2 and "exactly one of --stage" in both.stderr
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    out = run_cli("record", "--bundle", bundle, "--decision", str(bad), "--ledger",
                  str(tmp_path / "l"))  # fmt: skip
    assert out.returncode == 2 and str(bad) in out.stderr
    assert not (tmp_path / "l").exists()


def _with_extra_policy(tmp_path: Path) -> Path:
    dest = tmp_path / "policies"
    shutil.copytree(default_policy_dir(), dest)
    (dest / "gate" / "extra.rego").write_text('package gate.extra\n\nnote := "changed"\n')
    return dest


def test_replay_says_loudly_when_the_policy_revision_differs(
    opa: OpaBinary, policies: PolicySource, tmp_path: Path
) -> None:
    rec_path = tmp_path / "rec.json"
    rec_path.write_text(json.dumps(make_record(opa, policies, "credit-complete.json", "merge")))
    other = _with_extra_policy(tmp_path)
    out = run_cli("replay", "--record", str(rec_path), "--policy", str(other))
    assert out.returncode == 1
    assert "POLICY REVISION DIFFERS" in out.stderr
    assert "replayed decision: SAME" in out.stdout  # same verdict, but not a faithful replay
    assert "replay: reproduced" not in out.stdout


def test_replay_with_a_policy_bundle_of_the_recorded_revision(
    opa: OpaBinary, policies: PolicySource, policy_bundle: Path, tmp_path: Path
) -> None:
    rec_path = tmp_path / "rec.json"
    rec = make_record(opa, policies, "clinical-complete.json", "production")
    rec_path.write_text(json.dumps(rec))
    out = run_cli("replay", "--record", str(rec_path), "--policy", str(policy_bundle))
    assert out.returncode == 0, out.stderr
    assert "replay: reproduced" in out.stdout


def _forge(pair: tuple[dict[str, Any], CanonicalInput]) -> tuple[dict[str, Any], CanonicalInput]:
    """A self-consistent record whose verdict the recorded input does not give."""
    forged = copy.deepcopy(pair[0])
    forged["allow"] = True
    forged["decision"]["allow"] = True
    for req in forged["decision"]["required_approvals"] + forged["approvals"]:
        req["satisfied"] = True
    return forged, pair[1]


def test_replay_fails_when_the_decision_differs(
    opa: OpaBinary, policies: PolicySource, tmp_path: Path
) -> None:
    """A record forged onto the end with a rewritten head passes `ledger verify` (no key),
    but replaying it shows the recorded input does not give the recorded decision."""
    book = Ledger(tmp_path / "ledger.jsonl")
    book.append(*make_pair(opa, policies, "credit-complete.json", "merge"))
    book.append(
        *_forge(make_pair(opa, policies, "credit-complete.json", "production", approve=False))
    )
    assert book.verify().ok
    out = run_cli("replay", "--ledger", str(book.path), "--index", "1")
    assert out.returncode == 1
    assert "replayed decision DIFFERS" in out.stderr
    assert "allow" in out.stderr and "required_approvals" in out.stderr


def test_replay_refuses_an_unsound_record(
    opa: OpaBinary, policies: PolicySource, tmp_path: Path
) -> None:
    rec = make_record(opa, policies, "credit-complete.json", "merge")
    rec["input"]["context"]["now"] = "2030-01-01T00:00:00Z"
    path = tmp_path / "rec.json"
    path.write_text(json.dumps({"index": 0, "prev_hash": "0" * 64, "record": rec,
                                "hash": entry_hash(0, "0" * 64, rec)}))  # fmt: skip
    out = run_cli("replay", "--record", str(path))
    assert out.returncode == 2
    assert "input_digest is not the sha256" in out.stderr and "ledger verify" in out.stderr
    assert canonical_json(rec)  # the record itself stays JSON


def test_replay_usage_errors(tmp_path: Path) -> None:
    neither = run_cli("replay")
    assert neither.returncode == 2 and "exactly one of --record" in neither.stderr
    missing = run_cli("replay", "--index", "0", "--ledger", str(tmp_path / "none.jsonl"))
    assert missing.returncode == 2 and "ledger not found" in missing.stderr
    absent = run_cli("replay", "--record", str(tmp_path / "none.json"))
    assert absent.returncode == 2 and "file not found" in absent.stderr
