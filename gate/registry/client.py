"""The MLflow registry as the gate talks to it: one way to call it and one tag namespace
(the client is gate.collect.mlflow.mlflow_client). Promotion writes through it and tracing
reads through it, so a refusal or a server fault reads the same from both."""

from __future__ import annotations

from typing import Any

from gate.collect.mlflow import server_message
from gate.errors import EngineError

TAG = "mrm_gate."  # namespace of every tag the gate writes on a model version or model


def call(what: str, fn: Any, *args: Any, **kwargs: Any) -> Any:
    """One registry call; a refusal or a server fault is exit 3 with the server's word."""
    from mlflow.exceptions import MlflowException

    try:
        return fn(*args, **kwargs)
    except MlflowException as exc:
        raise EngineError(
            f"MLflow registry refused to {what}: {exc.error_code}: {server_message(exc.message)}",
            hint="promote with the gate's MLflow identity (MLFLOW_TRACKING_USERNAME / "
            "MLFLOW_TRACKING_PASSWORD); it alone may change the governed model",
        ) from exc
