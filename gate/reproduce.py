"""Re-run a bundle's recorded training and compare the artefact byte for byte.

The bundle's `reproducibility` section names the code commit, the data snapshots with
their hashes, the seed and hyperparameters, the training command and the artefact's path
and sha256. :func:`reproduce` checks every reference, exports the recorded commit's tree
with `git archive` into a temporary directory (the working checkout is never written to),
checks the data snapshots, runs the command there with the recorded seed and
hyperparameters, and hashes what it produced.

Data snapshot paths are relative to the repository root, or `package:<module>/<file>`
for data that ships inside an installed Python package (e.g. scikit-learn's bundled data).
A `delta:<table uri>` snapshot is a Delta Lake table at its recorded `delta_version`
(:mod:`gate.registry.delta`): its files are checked against the recorded sha256 and the
training reads that version (`MRM_GATE_DATA_VERSIONS`), however far the table has moved on.
The seed and hyperparameters reach the training command as `MRM_GATE_SEED` and
`MRM_GATE_HYPERPARAMETERS` (canonical JSON); the command is run without a shell, and a
leading `python`/`python3` means the interpreter running the gate.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shlex
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path, PurePosixPath
from typing import Any

from gate.collect.hashing import file_hex
from gate.errors import (
    EXIT_ALLOWED,
    EXIT_DENIED,
    EXIT_INVALID,
    EngineError,
    EvidenceError,
    GateError,
    Problem,
)
from gate.evidence import schema_problems
from gate.fileio import canonical_json
from gate.git import Git

__all__ = [
    "ReferenceMissing",
    "Reproduction",
    "record_result",
    "reproduce",
    "resolve_snapshot",
    "result_document",
]

_REQUIRED = ("git_commit", "training_command", "artifact_path", "artifact_sha256")
_THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


class ReferenceMissing(GateError):
    """A reference the reproduction needs is absent or cannot be resolved (exit 2)."""

    exit_code = EXIT_INVALID


@dataclass(frozen=True)
class Reproduction:
    """Outcome of one reproduction attempt."""

    identical: bool
    recorded_sha256: str
    reproduced_sha256: str | None
    reproduced_at: str
    messages: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return EXIT_ALLOWED if self.identical else EXIT_DENIED

    def to_json(self) -> dict[str, Any]:
        return {
            "identical": self.identical,
            "artifact_sha256": self.recorded_sha256,
            "reproduced_artifact_sha256": self.reproduced_sha256,
            "reproduced_at": self.reproduced_at,
            "messages": self.messages,
        }


def _git(repo: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    """git through the one adapter; reproduction's policy: git that cannot run is exit 2."""
    try:
        return Git(repo, timeout=120).run_binary(*args, check=False)
    except EngineError as exc:
        raise ReferenceMissing(f"cannot run git in {repo}: {exc.message}") from exc


def _relative(path: str, what: str) -> PurePosixPath:
    rel = PurePosixPath(path)
    if rel.is_absolute() or ".." in rel.parts or "\\" in path or not rel.parts:
        raise ReferenceMissing(
            f"{what} {path!r} must be a path relative to the repository root, without '..'"
        )
    return rel


def resolve_snapshot(path: str, repo: Path) -> Path:
    """The file a data snapshot path names: `package:<module>/<file>` or repo-relative."""
    if path.startswith("package:"):
        module, _, inner = path[len("package:") :].partition("/")
        if not module.isidentifier() or not inner:
            raise ReferenceMissing(f"data snapshot {path!r}: expected package:<module>/<file>")
        rel = _relative(inner, "data snapshot")
        try:
            base = resources.files(module)
        except ModuleNotFoundError as exc:
            raise ReferenceMissing(
                f"data snapshot {path!r}: package {module!r} is not installed",
                hint=f"install it (pip install {module}) at the recorded version",
            ) from exc
        return Path(str(base.joinpath(*rel.parts)))
    return repo.joinpath(*_relative(path, "data snapshot").parts)


def _check_snapshots(
    snapshots: list[dict[str, Any]], repo: Path, export: Path, messages: list[str]
) -> bool:
    ok = True
    for snap in snapshots:
        path = str(snap.get("path", ""))
        if path.startswith("delta:"):
            from gate.registry.delta import REWRITTEN_FIX, snapshot_problem

            problem = snapshot_problem(snap)
            if problem:
                ok = False
                messages.append(f"{problem}: {REWRITTEN_FIX}")
            continue
        real = resolve_snapshot(path, repo)
        if not real.is_file():
            raise ReferenceMissing(
                f"data snapshot {path!r} not found at {real}",
                hint="restore the recorded data (e.g. `dvc pull`) before reproducing",
            )
        for algo in ("sha256", "md5"):
            want = snap.get(algo)
            if want is None:
                continue
            got = file_hex(real, algo)
            if got != want:
                ok = False
                messages.append(f"data snapshot {path}: {algo} {got} differs from recorded {want}")
        if ok and not path.startswith("package:"):
            target = export / path
            if not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(real, target)
    return ok


def _export_tree(repo: Path, commit: str, dest: Path) -> None:
    archive = _git(repo, "archive", "--format=tar", commit)
    if archive.returncode != 0:
        raise ReferenceMissing(
            f"cannot export commit {commit}: {archive.stderr.decode(errors='replace').strip()}"
        )
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(dest, filter="data")


def _command(text: str) -> list[str]:
    try:
        argv = shlex.split(text)
    except ValueError as exc:
        raise ReferenceMissing(f"training_command cannot be parsed: {exc}") from exc
    if not argv:
        raise ReferenceMissing("training_command is empty")
    if argv[0] in ("python", "python3"):
        argv[0] = sys.executable
    return argv


def _checkout_of(repo: Path, commit: str) -> Path:
    """The root of the git checkout at ``repo``, which must have ``commit`` checked out."""
    top = _git(repo, "rev-parse", "--show-toplevel")
    if top.returncode != 0:
        raise ReferenceMissing(f"{repo} is not a git repository")
    root = Path(top.stdout.decode().strip())
    if _git(root, "cat-file", "-e", f"{commit}^{{commit}}").returncode != 0:
        raise ReferenceMissing(
            f"recorded commit {commit} is not in {root}",
            hint="fetch it: git fetch origin " + commit,
        )
    head = _git(root, "rev-parse", "HEAD").stdout.decode().strip()
    if head != commit:
        raise ReferenceMissing(
            f"HEAD is {head or 'unborn'}, but the bundle was built from {commit}",
            hint=f"check out the recorded commit first: git checkout {commit}",
        )
    return root


def _training_env(rep: dict[str, Any]) -> dict[str, str]:
    """The environment of the training run: single-threaded maths, a fixed hash seed, the
    recorded seed and hyperparameters, and the recorded version of each Delta table."""
    env = dict(os.environ)
    env.pop("GITHUB_TOKEN", None)  # `reproduce --github` reads with it; the training never
    env.update(dict.fromkeys(_THREAD_VARS, "1"))
    env["PYTHONHASHSEED"] = "0"
    if "seed" in rep:
        env["MRM_GATE_SEED"] = str(rep["seed"])
    if "hyperparameters" in rep:
        env["MRM_GATE_HYPERPARAMETERS"] = json.dumps(
            rep["hyperparameters"], sort_keys=True, separators=(",", ":")
        )
    snapshots = rep.get("data_snapshots") or []
    if any(str(s.get("path", "")).startswith("delta:") for s in snapshots):
        from gate.registry.delta import VERSIONS_ENV, pinned_versions

        env[VERSIONS_ENV] = pinned_versions(snapshots)
    return env


def reproduce(
    bundle: dict[str, Any], repo: Path, *, now: str, timeout: float = 1800.0
) -> Reproduction:
    """Re-run the recorded training; raise :class:`ReferenceMissing` for a missing reference."""
    rep = bundle.get("reproducibility")
    if not isinstance(rep, dict):
        raise ReferenceMissing("the bundle has no reproducibility section")
    missing = [f"reproducibility.{k}" for k in _REQUIRED if not rep.get(k)]
    snapshots = rep.get("data_snapshots") or []
    if not snapshots:
        missing.append("reproducibility.data_snapshots")
    if missing:
        raise ReferenceMissing(
            f"cannot reproduce: missing {', '.join(missing)}",
            hint="record them in the pipeline's reproducibility output and collect again",
        )
    commit = str(rep["git_commit"])
    recorded = str(rep["artifact_sha256"])
    artifact = _relative(str(rep["artifact_path"]), "artifact_path")
    argv = _command(str(rep["training_command"]))

    root = _checkout_of(repo, commit)
    messages: list[str] = []
    with tempfile.TemporaryDirectory(prefix="mrm-gate-reproduce-") as tmp:
        export = Path(tmp)
        _export_tree(root, commit, export)
        if not _check_snapshots(snapshots, root, export, messages):
            return Reproduction(False, recorded, None, now, messages)
        produced = export.joinpath(*artifact.parts)
        produced.unlink(missing_ok=True)
        env = _training_env(rep)
        try:
            run = subprocess.run(argv, cwd=export, env=env, capture_output=True, timeout=timeout)
        except FileNotFoundError as exc:
            raise ReferenceMissing(f"training command not found: {argv[0]}") from exc
        except subprocess.TimeoutExpired:
            messages.append(f"training command timed out after {timeout:.0f} s")
            return Reproduction(False, recorded, None, now, messages)
        if run.returncode != 0:
            tail = run.stderr.decode(errors="replace").strip().splitlines()[-5:]
            messages.append(f"training command exited {run.returncode}: " + " | ".join(tail))
            return Reproduction(False, recorded, None, now, messages)
        if not produced.is_file():
            messages.append(f"training command did not write {artifact}")
            return Reproduction(False, recorded, None, now, messages)
        got = file_hex(produced, "sha256")
    if got != recorded:
        messages.append(f"reproduced artefact sha256 {got} differs from recorded {recorded}")
    return Reproduction(got == recorded, recorded, got, now, messages)


# A re-run records these two; everything else in the section is the recipe it followed.
_REPRODUCED = ("reproduced_artifact_sha256", "reproduced_at")


def _recipe_sha256(rep: dict[str, Any]) -> str:
    recipe = {k: v for k, v in rep.items() if k not in _REPRODUCED}
    return hashlib.sha256(canonical_json(recipe)).hexdigest()


def result_document(bundle: dict[str, Any], result: Reproduction) -> dict[str, Any]:
    """What a reproduce job hands to the gate's job (schemas/reproduction-result.schema.json):
    the re-run's outcome and the commit and recipe it re-ran."""
    rep = bundle["reproducibility"]
    return {
        "apiVersion": "mrm-gate/v1",
        "kind": "ReproductionResult",
        "git_commit": rep["git_commit"],
        "recipe_sha256": _recipe_sha256(rep),
        **result.to_json(),
    }


def _mismatch(label: str, field: str, theirs: Any, ours: Any, what: str) -> Problem:
    return Problem(
        label,
        f"$.{field}",
        f"the result is of {what} {theirs}, the bundle's is {ours}",
        "use the result of the reproduce job of this same run (same commit, same collection)",
    )


def _result_problems(rep: dict[str, Any], doc: Any, label: str) -> list[Problem]:
    problems = schema_problems(doc, "reproduction-result.schema.json", label)
    if problems:
        return problems
    expected = {
        "git_commit": (rep.get("git_commit"), "commit"),
        "recipe_sha256": (_recipe_sha256(rep), "recipe"),
        "artifact_sha256": (rep.get("artifact_sha256"), "artefact"),
    }
    problems = [
        _mismatch(label, field, doc[field], ours, what)
        for field, (ours, what) in expected.items()
        if doc[field] != ours
    ]
    same = doc["reproduced_artifact_sha256"] == doc["artifact_sha256"]
    if not problems and doc["identical"] != same:
        fix = "write the result with mrm-gate reproduce --result"
        problems.append(Problem(label, "$.identical", "contradicts the two hashes", fix))
    return problems


def record_result(bundle: dict[str, Any], doc: Any, label: str) -> Reproduction:
    """Record in ``bundle`` (in place) a re-run made elsewhere, by a job that ran the pull
    request's code and held no secrets: only when it re-ran this bundle's commit and recipe.

    The result is a claim of that job, as trustworthy as the training code it ran (which
    could as well have copied the artefact): that job never holds the decision's tokens,
    so it can state a hash and nothing more. Raises :class:`EvidenceError` (exit 2) for a
    result that is malformed or of another commit, recipe or artefact.
    """
    rep = bundle.get("reproducibility")
    if not isinstance(rep, dict):
        raise ReferenceMissing("the bundle has no reproducibility section to record a re-run in")
    problems = _result_problems(rep, doc, label)
    if problems:
        raise EvidenceError(
            f"{label}: not a reproduction of this bundle ({len(problems)} problem(s))",
            problems,
            hint="the gate records only a re-run of the bundle's own commit and recipe",
        )
    if doc["reproduced_artifact_sha256"] is not None:
        rep["reproduced_artifact_sha256"] = doc["reproduced_artifact_sha256"]
        rep["reproduced_at"] = doc["reproduced_at"]
    return Reproduction(
        doc["identical"],
        doc["artifact_sha256"],
        doc["reproduced_artifact_sha256"],
        doc["reproduced_at"],
        [],
    )
