"""The repository config ``.mrm-gate.yml``: read strictly, validated against its schema."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gate.errors import EvidenceError
from gate.evidence import schema_problems
from gate.fileio import DEFAULT_MAX_BYTES, parse_json, parse_yaml, read_text

CONFIG_SCHEMA = "mrm-gate-config.schema.json"


@dataclass(frozen=True)
class MappedFile:
    """A JSON file and the bundle section (dotted path) it fills."""

    path: str
    section: str
    json_path: str


@dataclass(frozen=True)
class Artefact:
    """An artefact file to hash and its role."""

    path: str
    role: str
    json_path: str


@dataclass(frozen=True)
class CollectConfig:
    """Typed view of a validated ``.mrm-gate.yml``."""

    label: str
    model_id: str
    documentation: tuple[str, ...]
    metrics: tuple[MappedFile, ...]
    validation: tuple[MappedFile, ...]
    platform: tuple[MappedFile, ...]
    artefacts: tuple[Artefact, ...]
    dvc: tuple[str, ...]
    mlflow_run: str | None
    mlflow_registry: str | None
    max_file_bytes: int
    raw: dict[str, Any]


def _mapped(items: list[dict[str, Any]], key: str) -> tuple[MappedFile, ...]:
    return tuple(
        MappedFile(i["path"], i["section"], f"$.{key}[{n}].path") for n, i in enumerate(items)
    )


def parse_config(doc: Any, label: str) -> CollectConfig:
    """Validate a parsed config; every schema problem is reported at once."""
    problems = schema_problems(doc, CONFIG_SCHEMA, label)
    if problems:
        raise EvidenceError(
            f"{label}: the configuration is invalid ({len(problems)} problem(s))",
            problems,
            hint="see schemas/mrm-gate-config.schema.json for the expected fields",
        )
    assert isinstance(doc, dict)
    return CollectConfig(
        label=label,
        model_id=doc["model_id"],
        documentation=tuple(doc.get("documentation", [])),
        metrics=_mapped(doc.get("metrics", []), "metrics"),
        validation=_mapped(doc.get("validation", []), "validation"),
        platform=_mapped(doc.get("platform", []), "platform"),
        artefacts=tuple(
            Artefact(a["path"], a["role"], f"$.artefacts[{n}].path")
            for n, a in enumerate(doc.get("artefacts", []))
        ),
        dvc=tuple(doc.get("dvc", [])),
        mlflow_run=doc.get("mlflow_run"),
        mlflow_registry=doc.get("mlflow_registry"),
        max_file_bytes=int(doc.get("limits", {}).get("max_file_bytes", DEFAULT_MAX_BYTES)),
        raw=doc,
    )


def load_config(path: Path, label: str) -> tuple[CollectConfig, str]:
    """Read and validate the config file; returns it with the text that was read."""
    text = read_text(path, max_bytes=DEFAULT_MAX_BYTES, label=label)
    yaml_like = path.suffix.lower() in (".yml", ".yaml")
    doc = parse_yaml(text, label) if yaml_like else parse_json(text, label)
    return parse_config(doc, label), text
