"""MLflow run metadata from an exported run JSON (no MLflow install needed).

Accepted shapes: the REST ``runs/get`` response ``{"run": {"info", "data"}}`` and
``Run.to_dictionary()`` ``{"info", "data"}``; params and metrics either as lists of
``{key, value}`` or as mappings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from gate.errors import EvidenceError, Problem

_NUMBER = re.compile(r"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$")


@dataclass(frozen=True)
class MlflowRun:
    """The parts of a run the bundle records."""

    run_id: str
    params: dict[str, Any]
    metrics: dict[str, float]


def _fail(label: str, path: str, what: str) -> EvidenceError:
    fix = "export the run with `mlflow runs describe --run-id ID` or the REST API runs/get"
    return EvidenceError(f"{label}: {path}: {what}", [Problem(label, path, what, fix)])


def param_value(raw: str) -> Any:
    """MLflow stores params as strings; restore numbers and booleans, keep the rest."""
    if _NUMBER.match(raw):
        return float(raw) if any(c in raw for c in ".eE") else int(raw)
    if raw in ("true", "True"):
        return True
    if raw in ("false", "False"):
        return False
    return raw


def _pairs(value: Any, label: str, path: str) -> dict[str, Any]:
    if value is None:
        return {}
    if isinstance(value, dict):
        return dict(value)
    if isinstance(value, list):
        out: dict[str, Any] = {}
        for i, item in enumerate(value):
            if not isinstance(item, dict) or not isinstance(item.get("key"), str):
                raise _fail(label, f"{path}[{i}]", "expected an object with key and value")
            out[item["key"]] = item.get("value")
        return out
    raise _fail(label, path, f"expected a list or mapping, got {type(value).__name__}")


def parse_run(doc: Any, *, label: str) -> MlflowRun:
    """Extract the run id, params and metrics of an exported run."""
    base = "$"
    if isinstance(doc, dict) and isinstance(doc.get("run"), dict):
        doc, base = doc["run"], "$.run"
    if not isinstance(doc, dict) or not isinstance(doc.get("info"), dict):
        raise _fail(label, base, "expected an MLflow run with an 'info' object")
    info = doc["info"]
    run_id = info.get("run_id") or info.get("run_uuid")
    if not isinstance(run_id, str) or not run_id:
        raise _fail(label, f"{base}.info.run_id", "missing or not a string")
    data = doc.get("data") or {}
    if not isinstance(data, dict):
        raise _fail(label, f"{base}.data", "expected an object")
    params: dict[str, Any] = {}
    for key, value in _pairs(data.get("params"), label, f"{base}.data.params").items():
        if not isinstance(value, str):
            raise _fail(label, f"{base}.data.params.{key}", "expected a string value")
        params[key] = param_value(value)
    metrics: dict[str, float] = {}
    for key, value in _pairs(data.get("metrics"), label, f"{base}.data.metrics").items():
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _fail(label, f"{base}.data.metrics.{key}", "expected a number")
        metrics[key] = value
    return MlflowRun(run_id, params, metrics)
