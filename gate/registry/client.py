"""The MLflow registry as the gate talks to it: one client, one way to call it, one tag
namespace. Promotion writes through it and tracing reads through it, so a refusal or a
server fault reads the same from both."""

from __future__ import annotations

from typing import Any

from gate.collect.mlflow import public_uri
from gate.errors import EngineError

TAG = "mrm_gate."  # namespace of every tag the gate writes on a model version or model


def make_client(uri: str) -> Any:
    """An MLflow client for tracking and registry at ``uri``; exit 3 when mlflow is absent."""
    try:
        from mlflow import MlflowClient
    except ImportError as exc:
        raise EngineError(
            "the MLflow client is not installed",
            hint="pip install 'mrm-gate[registry]' (make setup does)",
        ) from exc
    return MlflowClient(tracking_uri=uri, registry_uri=uri)


def call(what: str, fn: Any, *args: Any, **kwargs: Any) -> Any:
    """One registry call; a refusal or a server fault is exit 3 with the server's word."""
    from mlflow.exceptions import MlflowException

    try:
        return fn(*args, **kwargs)
    except MlflowException as exc:
        raise EngineError(
            f"MLflow registry refused to {what}: {exc.error_code}: {_one_line(exc.message)}",
            hint="promote with the gate's MLflow identity (MLFLOW_TRACKING_USERNAME / "
            "MLFLOW_TRACKING_PASSWORD); it alone may change the governed model",
        ) from exc


def _one_line(message: str) -> str:
    """The server's message on one line (MLflow nests the HTTP status in later lines)."""
    return public_uri(" ".join(message.split()))[:400]
