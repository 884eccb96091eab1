"""`ledger verify` cost as the ledger grows: 1,000 and 100,000 records.

The records are real decision records (the complete credit bundle evaluated by the real
OPA at merge), written in the ledger's own format: the policy input is stored once in the
ledger's input store and every line names it by digest, as a ledger of repeated decisions
on one input would hold it. Lines are written with the ledger's own encoder
(``entry_line``) but without an fsync per record, so that building a large ledger is quick.

Verification reads every line, hashes its bytes, parses it, checks its link and its
consistency with the stored input, and reads, hashes and parses each distinct stored input
once, so its cost should grow linearly with the number of records. A third figure shows
what distinct inputs cost: 1,000 records, each with its own input (its own evaluation
time), as a real ledger holds them.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from gate.audit.ledger import (  # noqa: E402
    GENESIS,
    InputStore,
    Ledger,
    entry_line,
    head_path,
    inputs_path,
)
from gate.audit.record import (  # noqa: E402
    CanonicalInput,
    build_record,
    evaluate_with_input,
    policy_info,
)
from gate.engine.local import LocalOpaEngine  # noqa: E402
from gate.engine.toolchain import find_opa  # noqa: E402
from gate.fileio import canonical_json  # noqa: E402
from gate.policy import PolicySource, default_policy_dir  # noqa: E402

NOW = "2026-11-30T12:00:00Z"
BUNDLE = ROOT / "tests" / "assets" / "bundles" / "credit-complete.json"


def write_ledger(path: Path, lines: Any, count: int) -> None:
    """Write ``count`` entries; ``lines(index)`` gives each record's canonical JSON."""
    prev = GENESIS
    with path.open("wb", buffering=1 << 20) as fh:
        for index in range(count):
            prev, line = entry_line(index, prev, lines(index))
            fh.write(line)
    head_path(path).write_text(json.dumps({"count": count, "hash": prev}) + "\n", "utf-8")


def distinct_records(
    record: dict[str, Any], policy_input: CanonicalInput, store: InputStore, count: int
) -> list[bytes]:
    """``count`` records of the same decision at different times, each input stored."""
    out = []
    for i in range(count):
        now = f"2026-11-{1 + i // 1440:02d}T{i // 60 % 24:02d}:{i % 60:02d}:00Z"
        value = dict(policy_input.value)
        value["context"] = {**value["context"], "now": now}
        item = CanonicalInput.of(value)
        path = store.path_for(item.digest)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(item.data)
        decision = {**record["decision"], "decided_at": now}
        out.append(canonical_json({**record, "decision": decision, "input_digest": item.digest}))
    return out


def time_verify(path: Path, runs: int) -> float:
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        result = Ledger(path).verify()
        seconds.append(time.perf_counter() - start)
        if not result.ok:
            raise SystemExit(f"bench: the generated ledger does not verify: {result.problems[:3]}")
    return statistics.median(seconds)


def tree_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.iterdir()) if path.is_dir() else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--json", type=Path, required=True)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    policies = PolicySource(default_policy_dir())
    decision, policy_input = evaluate_with_input(
        BUNDLE, "merge", LocalOpaEngine(find_opa(), policies), now=NOW
    )
    record = build_record(
        decision,
        policy_input,
        policy_info(policies, decision.policy_revision),
        recorded_at=NOW,
        env={},
    )
    record_json = canonical_json(record)
    sizes = (1_000, 10_000) if args.quick else (1_000, 100_000)
    seconds: dict[int, float] = {}
    files: dict[int, dict[str, int]] = {}
    with tempfile.TemporaryDirectory(prefix="mrm-gate-ledger-") as tmp:
        for count in sizes:
            path = Path(tmp) / f"ledger-{count}.jsonl"
            InputStore(inputs_path(path)).put(policy_input)
            write_ledger(path, lambda _: record_json, count)
            seconds[count] = time_verify(path, 3)
            files[count] = {
                "ledger_bytes": path.stat().st_size,
                "inputs_bytes": tree_bytes(inputs_path(path)),
            }
            path.unlink()
        small = sizes[0]
        path = Path(tmp) / "ledger-distinct.jsonl"
        store = InputStore(inputs_path(path))
        distinct = distinct_records(record, policy_input, store, small)
        write_ledger(path, distinct.__getitem__, small)
        distinct_s = time_verify(path, 3)
        files[-small] = {
            "ledger_bytes": path.stat().st_size,
            "inputs_bytes": tree_bytes(inputs_path(path)),
        }
    large = sizes[1]
    per_small = seconds[small] / small
    rows = [
        {
            "figure": f"ledger verify, {large:,} records (s)",
            "mrm_gate": seconds[large],
            "anchor": per_small * large,
            "anchor_name": f"{small:,}-record time x {large // small} (linear)",
            "unit": "s",
            "ratio": seconds[large] / (per_small * large),
        },
        {
            "figure": f"ledger verify, {small:,} records (s)",
            "mrm_gate": seconds[small],
            "anchor": seconds[small],
            "anchor_name": "itself (base of the growth figure)",
            "unit": "s",
            "ratio": 1.0,
        },
        {
            "figure": f"ledger verify, {small:,} records, {small:,} distinct inputs (s)",
            "mrm_gate": distinct_s,
            "anchor": seconds[small],
            "anchor_name": f"{small:,} records sharing one input",
            "unit": "s",
            "ratio": distinct_s / seconds[small],
        },
    ]
    per_record = {
        f"{small}": seconds[small] / small,
        f"{large}": seconds[large] / large,
        f"{small}-distinct-inputs": distinct_s / small,
    }
    args.json.write_text(
        json.dumps(
            {
                "rows": rows,
                "record_bytes": len(record_json),
                "input_bytes": len(policy_input.data),
                "per_record_s": per_record,
                "files": {
                    f"{small}": files[small],
                    f"{large}": files[large],
                    f"{small}-distinct-inputs": files[-small],
                },
            },
            indent=2,
        )
        + "\n",
        "utf-8",
    )
    print(f"record {len(record_json):,} bytes on its line, input {len(policy_input.data):,} bytes")
    for label, count, spent, key in (
        (f"{small:,} records", small, seconds[small], small),
        (f"{large:,} records", large, seconds[large], large),
        (f"{small:,} records, distinct inputs", small, distinct_s, -small),
    ):
        sizes_of = files[key]
        print(
            f"ledger verify, {label}: {spent:.3f} s, {spent / count * 1e6:.1f} us/record; "
            f"ledger {sizes_of['ledger_bytes'] / 1e6:,.1f} MB, "
            f"inputs {sizes_of['inputs_bytes'] / 1e6:,.2f} MB"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
