"""The MLflow registry as the gate talks to it: one way to call it and one tag namespace
(the client is gate.collect.mlflow.mlflow_client). Promotion writes through it and tracing
reads through it, so a refusal or a server fault reads the same from both."""

from __future__ import annotations

from typing import Any

from gate.collect.mlflow import server_message
from gate.errors import EngineError

TAG = "mrm_gate."  # namespace of every tag the gate writes on a model version or model


_WRITE_HINT = (
    "promote with the gate's MLflow identity (MLFLOW_TRACKING_USERNAME / "
    "MLFLOW_TRACKING_PASSWORD); it alone may change the governed model"
)
_READ_HINT = (
    "check MLFLOW_TRACKING_URI (the server that holds the registry) and the credentials "
    "that read it (MLFLOW_TRACKING_USERNAME / MLFLOW_TRACKING_PASSWORD)"
)


def call(what: str, fn: Any, *args: Any, **kwargs: Any) -> Any:
    """One registry call of promote or demote; a refusal or a server fault is exit 3 with
    the server's word."""
    return _guarded(what, _WRITE_HINT, fn, *args, **kwargs)


def read(what: str, fn: Any, *args: Any, **kwargs: Any) -> Any:
    """One registry read of trace or monitor: the same, with a hint about reading."""
    return _guarded(what, _READ_HINT, fn, *args, **kwargs)


def _guarded(what: str, hint: str, fn: Any, *args: Any, **kwargs: Any) -> Any:
    from mlflow.exceptions import MlflowException

    try:
        return fn(*args, **kwargs)
    except MlflowException as exc:
        raise EngineError(
            f"MLflow registry refused to {what}: {exc.error_code}: {server_message(exc.message)}",
            hint=hint,
        ) from exc
