"""MLflow run metadata: from an exported run JSON (no MLflow install needed), or read from
a tracking server with its model registry through the MLflow client (the ``registry`` extra).

Exported shapes: the REST ``runs/get`` response ``{"run": {"info", "data"}}`` and
``Run.to_dictionary()`` ``{"info", "data"}``; params and metrics either as lists of
``{key, value}`` or as mappings.

From a server, :func:`read_logged` returns what the run and its registered model version
say (commit tag, dataset inputs, the registered artefact's sha256), and the collector checks
those links against the bundle (:func:`link_problems`).
"""

from __future__ import annotations

import hashlib
import json
import posixpath
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gate.errors import EngineError, EvidenceError, Problem
from gate.git import Git

# The user-info part of any URL (``https://user:pass@host``): a tracking URI may carry
# credentials, and nothing the gate records or prints may.
_USERINFO = re.compile(r"(?<=://)[^/\s@]+@")


def public_uri(text: str) -> str:
    """``text`` with the credentials of every URL in it removed (``https://host/...``)."""
    return _USERINFO.sub("", text)


def server_message(message: str) -> str:
    """An MLflow server's message on one line (it nests the HTTP status in later lines),
    without credentials, at most 400 characters."""
    return public_uri(" ".join(message.split()))[:400]


def mlflow_client(uri: str) -> Any:
    """An MLflow client for tracking and registry at ``uri``; exit 3 when mlflow is absent."""
    try:
        from mlflow import MlflowClient
    except ImportError as exc:
        raise EngineError(
            "the MLflow client is not installed",
            hint="pip install 'mrm-gate[registry]' (make setup does)",
        ) from exc
    return MlflowClient(tracking_uri=uri, registry_uri=uri)


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


# --- a run and its registered model version, read from a tracking server -----------------

COMMIT_TAG = "mlflow.source.git.commit"
DATASET_SOURCE_TYPE = "mrm-gate"  # dataset inputs the example pipelines log: source = path


@dataclass(frozen=True)
class RegistryRef:
    """The pipeline's pointer to what it logged: ``{run_id, registered_model, version}``."""

    run_id: str
    model_name: str
    version: str


@dataclass(frozen=True)
class LoggedModel:
    """What the tracking server holds for one run and its registered model version."""

    tracking_uri: str
    ref: RegistryRef
    experiment_id: str
    commit: str | None
    params: dict[str, str]
    datasets: list[dict[str, str]]
    version_run_id: str
    version_source: str
    registered_sha256: dict[str, str]  # file name in the version's source -> sha256

    def to_json(self) -> dict[str, Any]:
        """The facts recorded in ``collected.mlflow``."""
        return {
            "tracking_uri": public_uri(self.tracking_uri),
            "run_id": self.ref.run_id,
            "experiment_id": self.experiment_id,
            "run_commit": self.commit,
            "registered_model": self.ref.model_name,
            "model_version": self.ref.version,
            "model_version_source": self.version_source,
            "datasets": self.datasets,
        }


def parse_ref(doc: Any, *, label: str) -> RegistryRef:
    """The pipeline's MLflow reference file."""
    fields = {"run_id": "run_id", "registered_model": "model_name", "version": "version"}
    if not isinstance(doc, dict):
        raise _fail(label, "$", "expected an object with run_id, registered_model, version")
    values = {}
    for key, attr in fields.items():
        value = doc.get(key)
        if not isinstance(value, str) or not value:
            raise EvidenceError(
                f"{label}: $.{key}: missing or not a string",
                [
                    Problem(
                        label,
                        f"$.{key}",
                        "missing or not a string",
                        "re-run the pipeline with --mlflow-uri so that it writes the reference",
                    )
                ],
            )
        values[attr] = value
    return RegistryRef(**values)


def _dataset(entry: Any) -> dict[str, str]:
    ds = entry.dataset
    out = {"name": ds.name, "digest": ds.digest, "source_type": ds.source_type}
    if ds.source_type == DATASET_SOURCE_TYPE:
        out["path"] = ds.source
        profile = json.loads(ds.profile) if ds.profile else {}
        if isinstance(profile, dict) and isinstance(profile.get("sha256"), str):
            out["sha256"] = profile["sha256"]
    return out


def _registered_hashes(uri: str, source: str) -> dict[str, str]:
    """Download the model version's files through the server and hash each."""
    from mlflow.artifacts import download_artifacts

    with tempfile.TemporaryDirectory(prefix="mrm-gate-mlflow-") as tmp:
        local = Path(download_artifacts(artifact_uri=source, dst_path=tmp, tracking_uri=uri))
        files = [local] if local.is_file() else sorted(p for p in local.rglob("*") if p.is_file())
        base = local.parent if local.is_file() else local
        return {
            f.relative_to(base).as_posix(): hashlib.sha256(f.read_bytes()).hexdigest()
            for f in files
        }


def read_logged(uri: str, ref: RegistryRef, *, label: str) -> LoggedModel:
    """Read the run and the model version from the server (the MLflow client).

    A run or version the server does not have is invalid evidence (exit 2); a server that
    cannot be reached, refuses the credentials or fails is an infrastructure fault (exit 3).
    """
    client = mlflow_client(uri)
    from mlflow.exceptions import MlflowException

    shown = public_uri(uri)
    try:
        run = client.get_run(ref.run_id)
        version = client.get_model_version(ref.model_name, ref.version)
        hashes = _registered_hashes(uri, version.source) if version.source else {}
    except OSError as exc:
        raise EngineError(
            f"MLflow server {shown}: cannot download the model version: {public_uri(str(exc))}"
        ) from exc
    except MlflowException as exc:
        if exc.error_code == "RESOURCE_DOES_NOT_EXIST":
            what = public_uri(exc.message.splitlines()[0])
            raise EvidenceError(
                f"{label}: the MLflow server at {shown} has no such run or model version: {what}",
                [
                    Problem(
                        label,
                        "$",
                        f"not on the server {shown}: {what}",
                        "point MLFLOW_TRACKING_URI at the server the pipeline logged to, or "
                        "train again with --mlflow-uri this server and commit its mlflow.json",
                    )
                ],
            ) from exc
        raise EngineError(
            f"MLflow server {shown}: {exc.error_code}: {server_message(exc.message)}",
            hint="check MLFLOW_TRACKING_URI and the gate's credentials "
            "(MLFLOW_TRACKING_USERNAME / MLFLOW_TRACKING_PASSWORD)",
        ) from exc
    return LoggedModel(
        tracking_uri=uri,
        ref=ref,
        experiment_id=run.info.experiment_id,
        commit=run.data.tags.get(COMMIT_TAG),
        params=dict(run.data.params),
        datasets=sorted(
            (_dataset(d) for d in (run.inputs.dataset_inputs if run.inputs else [])),
            key=_dataset_key,
        ),
        version_run_id=version.run_id or "",
        version_source=version.source or "",
        registered_sha256=hashes,
    )


def _dataset_key(ds: dict[str, str]) -> tuple[str, str]:
    return ds.get("path", ""), ds["digest"]


def changed_since(root: Path, commit: str, head: str) -> list[str] | None:
    """Paths changed from ``commit`` to ``head``; None when ``commit`` is not an ancestor."""
    git = Git(root)
    if git.run("merge-base", "--is-ancestor", commit, head, check=False).returncode != 0:
        return None
    diff = git.run("diff", "--name-only", "--no-renames", commit, head, check=False)
    return diff.stdout.split() if diff.returncode == 0 else None


def commit_problems(logged: LoggedModel, root: Path, head: str, label: str) -> list[Problem]:
    """The run must come from the gated commit: the same commit, or an ancestor from which
    only the pipeline's own outputs changed (the directory of the reference file; the
    outputs are committed after training)."""
    fix = "train again from the gated commit and log the run with its commit"
    if not logged.commit:
        return [Problem(label, "$.run_id", f"the run has no {COMMIT_TAG} tag", fix)]
    if logged.commit == head:
        return []
    changed = changed_since(root, logged.commit, head)
    if changed is None:
        return [
            Problem(
                label,
                "$.run_id",
                f"the run was logged from commit {logged.commit}, which is not the gated "
                f"commit {head} nor an ancestor of it",
                fix,
            )
        ]
    outputs = posixpath.dirname(label) + "/"
    code = [p for p in changed if not p.startswith(outputs)]
    if not code:
        return []
    return [
        Problem(
            label,
            "$.run_id",
            f"the run was logged from commit {logged.commit}, but the gated commit {head} "
            f"changed files outside the pipeline outputs ({outputs}) since: "
            f"{', '.join(code[:5])}{' …' if len(code) > 5 else ''}",
            fix,
        )
    ]


def link_problems(logged: LoggedModel, bundle: dict[str, Any], *, label: str) -> list[Problem]:
    """The registered artefact is the bundle's artefact, and the run's dataset inputs are
    exactly the bundle's data snapshots."""
    problems = []
    if logged.version_run_id != logged.ref.run_id:
        problems.append(
            Problem(
                label,
                "$.version",
                f"model version {logged.ref.model_name}/{logged.ref.version} was registered "
                f"from run {logged.version_run_id or '(none)'}, not {logged.ref.run_id}",
                "register the version from the run that trained it",
            )
        )
    artifact = bundle.get("artifact") or {}
    name = posixpath.basename(str(artifact.get("path", "")))
    want = str(artifact.get("digest", "")).removeprefix("sha256:")
    got = logged.registered_sha256.get(name)
    if got != want:
        problems.append(
            Problem(
                label,
                "$.version",
                f"the registered model version's {name or 'artefact'} has sha256 "
                f"{got or '(no such file)'} but the gated artefact has {want or '(none)'}",
                "register the artefact the pipeline wrote, then collect again",
            )
        )
    problems.extend(_dataset_problems(logged, bundle, label))
    return problems


def _by_path(entries: list[dict[str, Any]]) -> dict[str, tuple[Any, Any]]:
    return {str(e.get("path")).rstrip("/"): (e.get("md5"), e.get("sha256")) for e in entries}


def _dataset_problems(logged: LoggedModel, bundle: dict[str, Any], label: str) -> list[Problem]:
    """Same paths, same md5; and the same sha256 where both sides give one."""
    snaps = (bundle.get("reproducibility") or {}).get("data_snapshots") or []
    recorded = _by_path(snaps)
    logged_paths = _by_path(
        [{"path": d.get("path", d["name"]), "md5": d["digest"], **d} for d in logged.datasets]
    )
    differ = []
    for path in sorted(set(recorded) | set(logged_paths)):
        if path not in logged_paths:
            differ.append(f"{path} is recorded but was not logged as a run input")
        elif path not in recorded:
            differ.append(f"{path} was logged as a run input but is not a recorded snapshot")
        else:
            (want_md5, want_sha), (got_md5, got_sha) = recorded[path], logged_paths[path]
            # The logged digest is the md5, or the sha256 of a snapshot that has no md5.
            if (want_md5 or want_sha) != got_md5 or (want_sha and got_sha and want_sha != got_sha):
                differ.append(
                    f"{path}: the run logged md5 {got_md5} sha256 {got_sha}, the snapshot "
                    f"records md5 {want_md5} sha256 {want_sha}"
                )
    return [
        Problem(
            label,
            "$.run_id",
            f"run datasets vs data snapshots: {d}",
            "train and log again from the versioned data",
        )
        for d in differ
    ]
