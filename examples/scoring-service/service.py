"""Example scoring service: the credit model in production, each decision logged.

Loads the model version the registry alias points at (``models:/<model>@production``,
through the MLflow client; MLFLOW_TRACKING_URI and read credentials), scores a batch of
applications (CSV, the German credit columns) with the artefact itself, and appends one
row per decision to the production decision log (Parquet, see gate/registry/decision_log.py):
decision id, time, model name and version, input digest, score, decision, overrides and the
inputs themselves (which `mrm-gate monitor --decision-log` reads as the production window).

    python examples/scoring-service/service.py --applications apps.csv --log decisions/ \\
        [--model german-credit-scorecard] [--alias production] [--now T]

Prints the decision ids, one per line. `mrm-gate trace ID --log decisions/` answers which
model made a decision and from what.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import importlib.util
import json
import os
import sys
import tempfile
from pathlib import Path
from types import ModuleType
from typing import Any

import pandas as pd
import yaml

from gate.clock import format_instant, parse_instant, resolve_now
from gate.registry.decision_log import append, input_digest

HERE = Path(__file__).resolve().parent
CREDIT = HERE.parent / "credit-scorecard"


def credit_pipeline() -> ModuleType:
    """The credit example's own scoring code (the artefact's format is defined there)."""
    spec = importlib.util.spec_from_file_location("credit_pipeline", CREDIT / "pipeline.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def served_model(model: str, alias: str) -> tuple[str, dict[str, Any]]:
    """The version the alias points at, and its artefact downloaded from the registry."""
    from mlflow import MlflowClient
    from mlflow.artifacts import download_artifacts

    uri = os.environ["MLFLOW_TRACKING_URI"]
    version = MlflowClient(tracking_uri=uri, registry_uri=uri).get_model_version_by_alias(
        model, alias
    )
    with tempfile.TemporaryDirectory() as tmp:
        local = Path(
            download_artifacts(
                artifact_uri=f"models:/{model}/{version.version}", dst_path=tmp, tracking_uri=uri
            )
        )
        artefact = local / "model.json" if local.is_dir() else local
        return str(version.version), json.loads(artefact.read_text())


def score_batch(
    apps: pd.DataFrame, model: dict[str, Any], pipeline: ModuleType, cutoff: float
) -> list[tuple[dict[str, Any], float, str]]:
    """(inputs, probability of default, decision) for each application."""
    columns = [*pipeline.NUMERIC, *pipeline.CATEGORICAL]
    frame = apps[columns].copy()
    for col in pipeline.NUMERIC:
        frame[col] = frame[col].astype("int64")
    scores = pipeline.predict(model, frame)
    out = []
    for (_, row), p in zip(frame.iterrows(), scores, strict=True):
        inputs = {c: (int(row[c]) if c in pipeline.NUMERIC else str(row[c])) for c in columns}
        out.append((inputs, float(p), "decline" if p >= cutoff else "approve"))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--applications", type=Path, required=True)
    ap.add_argument("--log", type=Path, required=True, help="Decision log directory")
    ap.add_argument("--model", default="german-credit-scorecard")
    ap.add_argument("--alias", default="production")
    ap.add_argument("--now", default=None, help="Time of the first decision, RFC 3339")
    args = ap.parse_args(argv)
    start = parse_instant(resolve_now(args.now))
    cutoff = float(
        yaml.safe_load((CREDIT / "config" / "thresholds.yml").read_text())["decision_cutoff"]
    )
    version, model = served_model(args.model, args.alias)
    apps = pd.read_csv(args.applications, dtype=str)
    rows = []
    for i, (inputs, score, decision) in enumerate(
        score_batch(apps, model, credit_pipeline(), cutoff)
    ):
        at = format_instant(start + dt.timedelta(seconds=i))
        digest = input_digest(inputs)
        key = f"{args.model}/{version}/{at}/{digest}/{i}".encode()
        rows.append(
            {
                "decision_id": "dec-" + hashlib.sha256(key).hexdigest()[:24],
                "decided_at": at,
                "model_name": args.model,
                "model_version": version,
                "input_digest": digest,
                "score": score,
                "decision": decision,
                "overrides": "[]",
                "features": json.dumps(inputs, sort_keys=True),
            }
        )
    append(args.log, rows)
    for row in rows:
        print(row["decision_id"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
