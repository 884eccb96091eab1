"""`make demo`: run the gate on the bundled example and show one allowed and one denied
decision, with the reasons and what a person must do next."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUNDLE = ROOT / "tests" / "assets" / "bundles" / "credit-complete.json"
OUT = ROOT / "out" / "demo"


def gate(*args: str) -> int:
    cmd = [sys.executable, "-m", "gate", *args]
    print("$ mrm-gate " + " ".join(args), flush=True)
    return subprocess.run(cmd, cwd=ROOT, check=False).returncode


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    print("== 1. the credit scorecard example at merge: evidence complete, no approval needed\n")
    merge = gate("check", "--bundle", str(BUNDLE), "--stage", "merge")
    print(f"exit code {merge} (0 = allowed)\n")
    print("== 2. the same bundle promoted to production: human sign-off still missing\n")
    prod = gate("check", "--bundle", str(BUNDLE), "--stage", "production")
    print(f"exit code {prod} (1 = denied)\n")
    record = OUT / "production-decision.json"
    gate(
        "check",
        "--bundle",
        str(BUNDLE),
        "--stage",
        "production",
        "--format",
        "json",
        "--output",
        str(record),
    )
    print(f"\nThe production decision record was written to {record.relative_to(ROOT)}.")
    if merge != 0 or prod != 1:
        print(
            "demo: unexpected decisions (expected merge allowed, production denied)",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
