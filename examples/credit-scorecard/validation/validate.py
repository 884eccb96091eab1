"""The validator's independent check of the credit scorecard artefact.

Scores the holdout sample with its own implementation of the artefact format (not the
developer's code), recomputes the metrics overall and by segment, binds the result to the
sha256 of the artefact it evaluated, and merges the validator's review record
(review.yml). Writes OUT/validation.json, which fills the bundle's `validation` section, with the
scored sample (score_sample) the documentation pack draws its intervals and charts from.

    python examples/credit-scorecard/validation/validate.py [--out DIR]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from bisect import bisect_right
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml
from sklearn.metrics import roc_auc_score, roc_curve

HERE = Path(__file__).resolve().parent


def score(model: dict[str, Any], row: pd.Series) -> float:
    z = model["intercept"]
    for f in model["features"]:
        if f["type"] == "numeric":
            woe = f["woe"][bisect_right(f["edges"], float(row[f["name"]]))]
        else:
            woe = f["woe"].get(row[f["name"]], 0.0)
        z += f["coef"] * woe
    return float(1.0 / (1.0 + np.exp(-z)))


def measure(y: np.ndarray, p: np.ndarray) -> dict[str, float]:
    auc = float(roc_auc_score(y, p))
    fpr, tpr, _ = roc_curve(y, p)
    return {
        "auc": round(auc, 6),
        "gini": round(2 * auc - 1, 6),
        "ks": round(float(max(tpr - fpr)), 6),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=HERE.parent / "out")
    args = ap.parse_args(argv)
    raw = (args.out / "model.json").read_bytes()
    model = json.loads(raw)
    data = pd.read_csv(args.out / "holdout.csv", index_col=0, dtype=str)
    for f in model["features"]:
        if f["type"] == "numeric":
            data[f["name"]] = data[f["name"]].astype(float)
    y = (data["creditability"] == "bad").to_numpy(dtype=int)
    p = np.array([score(model, row) for _, row in data.iterrows()])

    age = data["age_in_years"].astype(int)
    segments_by = {
        "sex": data["personal_status_and_sex"].str.split(" : ").str[0],
        "age_band": pd.Series(np.where(age <= 24, "18-24", np.where(age <= 61, "25-61", "62+"))),
    }
    segments = []
    for attr, values in segments_by.items():
        values = values.to_numpy()
        for seg in sorted(set(values)):
            mask = values == seg
            entry: dict[str, Any] = {"attribute": attr, "segment": str(seg), "n": int(mask.sum())}
            if 0 < y[mask].sum() < mask.sum():
                entry["metrics"] = measure(y[mask], p[mask])
            segments.append(entry)

    review = yaml.safe_load((HERE / "review.yml").read_text())
    validation = review | {
        "artifact_digest": "sha256:" + hashlib.sha256(raw).hexdigest(),
        "metrics": {"overall": measure(y, p), "segments": segments},
        # The scored sample itself (a few hundred rows): the documentation pack computes
        # intervals, ROC, calibration and score distributions from it rather than copying.
        "score_sample": {
            "scores": [round(float(v), 6) for v in p],
            "labels": [int(v) for v in y],
            "segments": {attr: [str(v) for v in values] for attr, values in segments_by.items()},
        },
    }
    text = json.dumps(validation, sort_keys=True, indent=1) + "\n"
    (args.out / "validation.json").write_text(text)
    print(f"validate: {len(y)} holdout rows, AUC {validation['metrics']['overall']['auc']:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
