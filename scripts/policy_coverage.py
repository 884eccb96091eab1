"""Print `opa test --coverage` per file and fail under the threshold."""

from __future__ import annotations

import json
import sys


def main() -> int:
    path, minimum = sys.argv[1], float(sys.argv[2])
    with open(path, encoding="utf-8") as fh:
        report = json.load(fh)
    files = report.get("files", {})
    for name in sorted(files):
        if name.endswith("_test.rego"):
            continue
        print(f"  {files[name].get('coverage', 0):6.1f}%  {name}")
    total = float(report.get("coverage", 0.0))
    print(f"policy line coverage: {total:.1f}% (minimum {minimum:.0f}%)")
    if total < minimum:
        print("policy coverage is below the minimum: add _test.rego cases", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
