"""What a training pipeline logs to MLflow so that the gate can check it (used by the
example pipelines; needs the ``registry`` extra).

One run per training: params, metrics, the git commit (``mlflow.source.git.commit``), one
dataset input per data snapshot (digest = the snapshot's md5, or its sha256 when it has
none, as a Delta table version; the path as source, the sha256 in the profile), the
artefact under ``model/``, and a version of the *candidate* registered model
``<name>-candidates`` registered from that run. The governed model ``<name>`` is only
ever written by the gate (``mrm-gate promote``); the server's permissions enforce that.

The pipeline writes :data:`REF_FILE` beside its outputs: the run id, the candidate model and
its version. ``mrm-gate collect`` (config ``mlflow_registry``) reads them back from the
server and checks every link.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from gate.collect.mlflow import COMMIT_TAG, DATASET_SOURCE_TYPE

REF_FILE = "mlflow.json"
ARTIFACT_DIR = "model"


def candidate_name(model: str) -> str:
    """The registered model developers register into; ``model`` itself is the gate's."""
    return f"{model}-candidates"


def log_training(
    uri: str,
    model: str,
    *,
    commit: str,
    params: Mapping[str, Any],
    metrics: Mapping[str, float],
    snapshots: list[Mapping[str, Any]],
    artefact: Path,
) -> dict[str, str]:
    """Log one training run and register its artefact; returns the reference to write."""
    from mlflow import MlflowClient
    from mlflow.entities import Dataset, DatasetInput, InputTag, Metric, Param, RunTag

    client = MlflowClient(tracking_uri=uri, registry_uri=uri)
    experiment = client.get_experiment_by_name(model)
    experiment_id = experiment.experiment_id if experiment else client.create_experiment(model)
    run = client.create_run(experiment_id, tags={COMMIT_TAG: commit})
    run_id = run.info.run_id
    client.log_batch(
        run_id,
        metrics=[Metric(k, float(v), 0, 0) for k, v in sorted(metrics.items())],
        params=[Param(k, _param(v)) for k, v in sorted(params.items())],
        tags=[RunTag("mrm_gate.artifact", f"{ARTIFACT_DIR}/{artefact.name}")],
    )
    inputs = [
        DatasetInput(
            Dataset(
                name=Path(str(snap["path"])).name,
                # DVC's md5; a Delta table version has only its sha256.
                digest=str(snap.get("md5") or snap["sha256"]),
                source_type=DATASET_SOURCE_TYPE,
                source=str(snap["path"]),
                profile=json.dumps({"sha256": snap.get("sha256")}),
            ),
            tags=[InputTag("mlflow.data.context", "training")],
        )
        for snap in snapshots
    ]
    client.log_inputs(run_id, datasets=inputs)
    client.log_artifact(run_id, str(artefact), ARTIFACT_DIR)
    client.set_terminated(run_id)
    candidates = candidate_name(model)
    if not client.search_registered_models(filter_string=f"name = '{candidates}'"):
        client.create_registered_model(candidates)
    version = client.create_model_version(
        candidates, f"{run.info.artifact_uri}/{ARTIFACT_DIR}", run_id
    )
    return {"run_id": run_id, "registered_model": candidates, "version": str(version.version)}


def _param(value: Any) -> str:
    """MLflow params are strings; lists and mappings as canonical JSON."""
    if isinstance(value, str):
        return value
    return json.dumps(value, sort_keys=True, separators=(",", ":"))
