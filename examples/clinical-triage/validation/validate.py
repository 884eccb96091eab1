"""The validator's independent check of the clinical triage artefact.

Scores the frozen test set with its own reading of the artefact format (plain Python, not
the developer's code), recomputes sensitivity, specificity and AUC overall and by
lesion-size band, binds the result to the sha256 of the artefact it evaluated, and merges
the validator's review record (review.yml). Writes OUT/validation.json (-> validation).

    python examples/clinical-triage/validation/validate.py [--out DIR]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import math
import sys
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent


def score(model: dict[str, Any], row: dict[str, str]) -> float:
    z = model["intercept"]
    for f in model["features"]:
        z += f["coef"] * (float(row[f["name"]]) - f["mean"]) / f["scale"]
    return 1.0 / (1.0 + math.exp(-z))


def auc(y: list[int], p: list[float]) -> float:
    """Mann-Whitney form: share of (malignant, benign) pairs ranked correctly."""
    mal = [s for t, s in zip(y, p, strict=True) if t == 1]
    ben = [s for t, s in zip(y, p, strict=True) if t == 0]
    wins = sum((m > b) + 0.5 * (m == b) for m in mal for b in ben)
    return wins / (len(mal) * len(ben))


def measure(y: list[int], p: list[float], threshold: float) -> dict[str, float]:
    out: dict[str, float] = {}
    mal = [s for t, s in zip(y, p, strict=True) if t == 1]
    ben = [s for t, s in zip(y, p, strict=True) if t == 0]
    if mal:
        out["sensitivity"] = round(sum(s >= threshold for s in mal) / len(mal), 6)
    if ben:
        out["specificity"] = round(sum(s < threshold for s in ben) / len(ben), 6)
    if mal and ben:
        out["auc"] = round(auc(y, p), 6)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=HERE.parent / "out")
    args = ap.parse_args(argv)
    raw = (args.out / "model.json").read_bytes()
    model = json.loads(raw)
    with (args.out / "test.csv").open(newline="") as f:
        rows = list(csv.DictReader(f))
    y = [int(r["malignant"]) for r in rows]
    p = [score(model, r) for r in rows]
    t = model["threshold"]

    # The validator reports every segment the evaluation data declares (site, lesion size
    # and texture bands), each band cut at the validator's own test-set median.
    segments = [
        {
            "attribute": "site",
            "segment": "uw-madison",  # every WDBC case comes from one hospital
            "n": len(rows),
            "metrics": measure(y, p, t),
        }
    ]
    for attribute, column in (("lesion_size", "mean_radius"), ("texture", "mean_texture")):
        values = sorted(float(r[column]) for r in rows)
        cut = values[len(values) // 2]
        for name, keep in (
            ("below-median", lambda r, c=column, k=cut: float(r[c]) < k),
            ("at-or-above-median", lambda r, c=column, k=cut: float(r[c]) >= k),
        ):
            idx = [i for i, r in enumerate(rows) if keep(r)]
            segments.append(
                {
                    "attribute": attribute,
                    "segment": name,
                    "n": len(idx),
                    "metrics": measure([y[i] for i in idx], [p[i] for i in idx], t),
                }
            )

    review = yaml.safe_load((HERE / "review.yml").read_text())
    validation = review | {
        "artifact_digest": "sha256:" + hashlib.sha256(raw).hexdigest(),
        "metrics": {"overall": measure(y, p, t), "segments": segments},
    }
    (args.out / "validation.json").write_text(
        json.dumps(validation, sort_keys=True, indent=1) + "\n"
    )
    overall = validation["metrics"]["overall"]
    print(
        f"validate: {len(y)} test cases, sensitivity {overall['sensitivity']:.3f}, "
        f"specificity {overall['specificity']:.3f}, AUC {overall['auc']:.3f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
