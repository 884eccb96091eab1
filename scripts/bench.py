"""`make bench`: how fast the gate is, side by side with what a user would otherwise run.

Every figure is a median over several rounds after a warm-up. In each round the gate and
its anchor run one after the other, so drift of the machine affects both alike. The table
is printed and the same numbers are written to bench-results.json (or --json PATH).
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from conftest import NOW, OpaServer  # noqa: E402
from gate.engine.server import ServerOpaEngine  # noqa: E402
from gate.engine.toolchain import find_opa  # noqa: E402
from gate.evidence import bundle_digest  # noqa: E402
from gate.policy import PolicySource, build_bundle, default_policy_dir  # noqa: E402
from gate.policy_input import build_input  # noqa: E402

BUNDLE = ROOT / "tests" / "assets" / "bundles" / "credit-complete.json"
Row = dict[str, Any]


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def paired(a: Callable[[], object], b: Callable[[], object], rounds: int) -> tuple[float, float]:
    """Median seconds of ``a`` and ``b``, run alternately after one warm-up each."""
    a()
    b()
    ta, tb = [], []
    for _ in range(rounds):
        ta.append(timed(a))
        tb.append(timed(b))
    return statistics.median(ta), statistics.median(tb)


def run(cmd: list[str], stdin: bytes | None = None, ok: tuple[int, ...] = (0,)) -> None:
    proc = subprocess.run(cmd, input=stdin, capture_output=True, check=False)
    if proc.returncode not in ok:
        raise SystemExit(f"bench: {cmd[:3]} failed ({proc.returncode}): {proc.stderr[:500]!r}")


def row(
    figure: str,
    gate: float,
    anchor: float,
    unit: str,
    anchor_name: str,
    lower_is_better: bool = True,
    target: float | None = None,
) -> Row:
    ratio = gate / anchor if lower_is_better else anchor / gate
    return {
        "figure": figure,
        "mrm_gate": gate,
        "anchor": anchor,
        "anchor_name": anchor_name,
        "unit": unit,
        "ratio": ratio,
        "target": target,
        "met": None if target is None else ratio <= target,
    }


def bench_check(opa: str, rounds: int, work: Path) -> list[Row]:
    bundle = json.loads(BUNDLE.read_text("utf-8"))
    policy_input = build_input(bundle, stage="production", digest=bundle_digest(bundle), now=NOW)
    input_bytes = json.dumps(policy_input).encode()
    (work / "input.json").write_bytes(input_bytes)
    policies = str(default_policy_dir())
    gate_cmd = _single_check_cmd()
    eval_cmd = [
        opa,
        "eval",
        "--format",
        "json",
        "--stdin-input",
        "--data",
        policies,
        "--ignore",
        "*_test.rego",
        "data.gate.main.decision",
    ]
    gate_s, eval_s = paired(
        lambda: run(gate_cmd, ok=(0, 1)), lambda: run(eval_cmd, stdin=input_bytes), rounds
    )
    proc = subprocess.run(
        [
            opa,
            "bench",
            "--format",
            "json",
            "--data",
            policies,
            "--ignore",
            "*_test.rego",
            "--input",
            str(work / "input.json"),
            "--count",
            "1",
            "data.gate.main.decision",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise SystemExit(f"bench: opa bench failed: {proc.stderr[:500]}")
    result = json.loads(proc.stdout)
    ns_per_op = float(result["T"]) / float(result["N"])
    return [
        row("check, credit bundle (wall s)", gate_s, eval_s, "s", "bare opa eval", target=1.2),
        row(
            "check vs in-process evaluation (wall s)",
            gate_s,
            ns_per_op / 1e9,
            "s",
            "opa bench ns/op",
        ),
    ]


def _single_check_cmd() -> list[str]:
    """One `check` of the credit bundle, the command both check rows time."""
    return [sys.executable, "-m", "gate", "check", "--bundle", str(BUNDLE),
            "--stage", "production", "--now", NOW, "--format", "json"]  # fmt: skip


def bench_server(opa_bin: Any, rounds: int, work: Path, n: int) -> list[Row]:
    """n decisions against one OPA server: the gate's server engine's batch (one process,
    a kept-alive connection per core, as `check --bundle FOLDER --opa-url` evaluates a
    fleet), against the raw floor of that server (a keep-alive urllib3 pool with one
    connection and one thread per core, the same inputs). Then one `check --opa-url`
    process against that server, against one local `check` process of the same bundle."""
    import concurrent.futures

    import urllib3

    bundle_path = work / "policies.tar.gz"
    build_bundle(opa_bin.path, PolicySource(default_policy_dir()), bundle_path)
    server = OpaServer(opa_bin, bundle_path)
    cores = os.cpu_count() or 2
    try:
        bundle = json.loads(BUNDLE.read_text("utf-8"))
        policy_input = build_input(
            bundle, stage="production", digest=bundle_digest(bundle), now=NOW
        )
        engine = ServerOpaEngine(server.url)
        pool = urllib3.PoolManager(maxsize=cores)
        url = f"{server.url}/v1/data/gate/main/decision"
        body = json.dumps({"input": policy_input}).encode()

        def via_gate() -> None:
            engine.evaluate_many([policy_input] * n)

        def one(_: int) -> None:
            response = pool.request("POST", url, body=body, timeout=10)
            if response.status != 200:
                raise SystemExit(f"bench: OPA answered {response.status}")
            json.loads(response.data)

        def floor() -> None:
            with concurrent.futures.ThreadPoolExecutor(cores) as threads:
                list(threads.map(one, range(n)))

        g, p = paired(via_gate, floor, rounds)
        local = _single_check_cmd()
        remote = [*local, "--opa-url", server.url]
        remote_s, local_s = paired(
            lambda: run(remote, ok=(0, 1)), lambda: run(local, ok=(0, 1)), rounds
        )
    finally:
        server.stop()
    return [
        row(
            f"{n} models against one OPA server (wall s)",
            g,
            p,
            "s",
            f"keep-alive pool, {cores} connections",
            target=1.25,
        ),
        row(
            "check --opa-url, credit bundle (wall s)",
            remote_s,
            local_s,
            "s",
            "local check, same bundle",
            target=0.6,
        ),
    ]


HASH = (
    "import sys; from pathlib import Path; from gate.collect.hashing import sha256_file; "
    "print(sha256_file(Path(sys.argv[1]), label='bench')[0])"
)


def bench_hash(rounds: int, work: Path, size_mib: int) -> list[Row]:
    """Whole process against whole process: the gate's hashing module started by Python,
    and `openssl dgst -sha256`, on the same file."""
    path = work / "artefact.bin"
    block = os.urandom(1024 * 1024)
    with path.open("wb") as fh:
        for _ in range(size_mib):
            fh.write(block)
    try:
        g, o = paired(
            lambda: run([sys.executable, "-c", HASH, str(path)]),
            lambda: run(["openssl", "dgst", "-sha256", str(path)]),
            rounds,
        )
    finally:
        path.unlink()
    return [
        row(
            f"sha256 of a {size_mib} MiB artefact, whole process (s)",
            g,
            o,
            "s",
            "openssl dgst -sha256",
            target=1.2,
        )
    ]


def bench_growth(opa: str, rounds: int, work: Path) -> list[Row]:
    """Check as the validation segments grow, each against a bare `opa eval` of the same
    grown input and the same policies."""
    base = json.loads(BUNDLE.read_text("utf-8"))
    out: list[Row] = []
    for count in (1_000, 10_000):
        doc = copy.deepcopy(base)
        template = doc["validation"]["metrics"]["segments"][0]
        doc["validation"]["metrics"]["segments"] = [
            dict(template, segment=f"s{i}") for i in range(count)
        ]
        path = work / f"bundle-{count}.json"
        path.write_text(json.dumps(doc), "utf-8")
        policy_input = build_input(doc, stage="production", digest=bundle_digest(doc), now=NOW)
        stdin = json.dumps(policy_input).encode()
        cmd = [sys.executable, "-m", "gate", "check", "--bundle", str(path),
               "--stage", "production", "--now", NOW, "--format", "json"]  # fmt: skip
        g, e = paired(
            lambda c=cmd: run(c, ok=(0, 1)), lambda i=stdin: run(_eval_cmd(opa), stdin=i), rounds
        )
        size = f"{path.stat().st_size / 1e6:.1f} MB"
        out.append(row(f"check, bundle of {size} (wall s)", g, e, "s", "bare opa eval", target=1.2))
    return out


def _fleet(folder: Path, n: int) -> list[Path]:
    """n bundles, the two example bundles in turn, each with a model version of its own."""
    folder.mkdir()
    sources = [json.loads((BUNDLE.parent / name).read_text("utf-8")) for name in
               ("credit-complete.json", "clinical-complete.json")]  # fmt: skip
    paths = []
    for i in range(n):
        doc = copy.deepcopy(sources[i % 2])
        doc["model"]["version"] = f"{doc['model']['version']}-{i}"
        paths.append(folder / f"model-{i:04d}.json")
        paths[-1].write_text(json.dumps(doc, indent=2), "utf-8")
    return paths


def _check_cmd(*args: str) -> list[str]:
    # A generous engine timeout (for the batch: its OPA server's start and each answer), so
    # that a heavily loaded machine shows as slow, not as a failed check.
    return [sys.executable, "-m", "gate", "check", "--stage", "production", "--now", NOW,
            "--format", "json", "--timeout", "600", *args]  # fmt: skip


def bench_batch(opa: str, rounds: int, work: Path, n: int) -> list[Row]:
    """n bundles checked by one `check` call against n `check` processes (one pass: a sum
    of n process times already); per decision against OPA's own in-process evaluation of
    one such input (`opa bench`, prepared query), and against one bare `opa eval` of the
    same n inputs with the one-query batch the gate ran before its private server (each
    input `with input as`), which shows what that route cost."""
    paths = _fleet(work / "fleet", n)
    out = work / "fleet-reports"
    batch = _check_cmd("--bundle", str(work / "fleet"), "--output-dir", str(out))
    inputs = []
    for path in paths:
        doc = json.loads(path.read_text("utf-8"))
        inputs.append(build_input(doc, stage="production", digest=bundle_digest(doc), now=NOW))
    stdin = json.dumps({"batch": inputs}).encode()
    query = "{i: d | some i, item in input.batch; d := data.gate.main.decision with input as item}"
    eval_cmd = [*_eval_cmd(opa)[:-1], query]
    batch_s, eval_s = paired(
        lambda: run(batch, ok=(0, 1)), lambda: run(eval_cmd, stdin=stdin), rounds
    )
    single_s = timed(
        lambda: [run(_check_cmd("--bundle", str(p), "--output", str(work / "one.json")), ok=(0, 1))
                 for p in paths]
    )  # fmt: skip
    # The fleet alternates the two example bundles: OPA's time for each, averaged.
    per_op = statistics.mean(_opa_bench_s(opa, work, item) for item in inputs[:2])
    return [
        row(f"check of {n} bundles in one call (wall s)", batch_s, single_s, "s",
            f"{n} check processes, one each, one pass", target=0.1),
        row(f"check of {n} bundles in one call, per decision (s)", batch_s / n, per_op, "s",
            "opa bench ns/op of one decision, mean of the 2 kinds", target=1.5),
        row(f"check of {n} bundles in one call, per decision (s)", batch_s / n, eval_s / n, "s",
            f"one bare opa eval of the {n} inputs, one query (with input as)"),
    ]  # fmt: skip


def _opa_bench_s(opa: str, work: Path, policy_input: dict[str, Any]) -> float:
    """Seconds per evaluation of the decision for one input, by `opa bench`."""
    path = work / "bench-input.json"
    path.write_text(json.dumps(policy_input), "utf-8")
    proc = subprocess.run(
        [opa, "bench", "--format", "json", "--data", str(default_policy_dir()), "--ignore",
         "*_test.rego", "--input", str(path), "--count", "1", "data.gate.main.decision"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if proc.returncode != 0:
        raise SystemExit(f"bench: opa bench failed: {proc.stderr[:500]}")
    result = json.loads(proc.stdout)
    return float(result["T"]) / float(result["N"]) / 1e9


def _eval_cmd(opa: str) -> list[str]:
    policies = str(default_policy_dir())
    return [opa, "eval", "--format", "json", "--stdin-input", "--data", policies,
            "--ignore", "*_test.rego", "data.gate.main.decision"]  # fmt: skip


def bench_external(script: str, args: list[str], work: Path) -> list[Row]:
    """Figures measured by another benchmark script that writes rows as JSON."""
    path = ROOT / "scripts" / script
    if not path.is_file():
        return []
    out = work / f"{path.stem}.json"
    run([sys.executable, str(path), *args, "--json", str(out)])
    rows: list[Row] = json.loads(out.read_text("utf-8"))["rows"]
    return rows


def machine() -> str:
    return (
        f"{platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()},"
        f" OPA {find_opa().version}, {platform.platform(terse=True)}"
    )


def _met(r: Row) -> str:
    if r.get("target") is None:
        return ""
    return f"<= {r['target']:g}: {'met' if r['met'] else 'NOT met'}"


def table(rows: list[Row]) -> str:
    """The results as a Markdown table (printed, and pasted into the README)."""
    lines = [
        "| figure | mrm-gate | anchor | anchor is | ratio | target |",
        "|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {r['figure']} | {r['mrm_gate']:.4g} | {r['anchor']:.4g} | {r['anchor_name']} "
        f"| {r['ratio']:.2f} | {_met(r)} |"
        for r in rows
    ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--hash-mib", type=int, default=1024)
    parser.add_argument("--server-n", type=int, default=150)
    parser.add_argument("--batch-n", type=int, default=200, help="bundles in the batch rows")
    parser.add_argument("--monitor-rows", type=int, default=2_000_000)
    parser.add_argument("--json", type=Path, default=ROOT / "bench-results.json")
    parser.add_argument("--quick", action="store_true", help="fewer rounds, smaller inputs")
    parser.add_argument(
        "--only",
        nargs="+",
        choices=["check", "server", "hash", "growth", "batch", "monitor", "ledger"],
        help="run only these groups of rows (all by default)",
    )
    args = parser.parse_args()
    rounds = 2 if args.quick else args.rounds
    opa = find_opa()
    rows: list[Row] = []
    monitor = ["--rows", str(200_000 if args.quick else args.monitor_rows)]
    monitor += ["--rounds", str(rounds)]
    if args.quick:
        monitor += ["--growth", "100000", "400000"]
    with tempfile.TemporaryDirectory(prefix="mrm-gate-bench-") as tmp:
        work = Path(tmp)
        groups: dict[str, Callable[[], list[Row]]] = {
            "check": lambda: bench_check(opa.path, rounds, work),
            "server": lambda: bench_server(opa, rounds, work, 20 if args.quick else args.server_n),
            "hash": lambda: bench_hash(rounds, work, 64 if args.quick else args.hash_mib),
            "growth": lambda: bench_growth(opa.path, rounds, work),
            "batch": lambda: bench_batch(
                opa.path, rounds, work, 20 if args.quick else args.batch_n
            ),
            "monitor": lambda: bench_external("bench_monitor.py", monitor, work),
            "ledger": lambda: bench_external(
                "bench_ledger.py", ["--quick"] if args.quick else [], work
            ),
        }
        for name in args.only or list(groups):
            rows += groups[name]()
    print(machine())
    print(table(rows))
    print(
        "ratio: mrm-gate cost / anchor cost (for rates: anchor rate / mrm-gate rate); "
        "below 1 is faster than the anchor"
    )
    args.json.write_text(json.dumps({"machine": machine(), "rows": rows}, indent=2) + "\n", "utf-8")
    print(f"written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
