"""Build an evidence bundle from a repository: developer files, machine outputs, git and CI.

Declared vs collected: developer files fill the documentation sections; the collector alone
writes ``collected``, ``provenance`` and the identity and digest fields, and refuses a
developer file that tries to set them. Two sources that disagree on a value are an error.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from gate import __version__
from gate.clock import resolve_now
from gate.collect.ci import ci_facts
from gate.collect.config import CollectConfig, load_config
from gate.collect.dvc import snapshot_problems, snapshots_from_dvc
from gate.collect.git import GitFacts, base_from_env, git_facts
from gate.collect.hashing import ProgressFactory, sha256_bytes, sha256_file
from gate.collect.mlflow import commit_problems, link_problems, parse_ref, parse_run, read_logged
from gate.collect.paths import repo_relative, resolve_in_repo
from gate.collect.platform import PlatformFacts, platform_facts
from gate.errors import EvidenceError, Problem, UsageError
from gate.evidence import API_VERSION, bundle_digest, schema_problems
from gate.fileio import canonical_json, parse_json, parse_yaml, read_text
from gate.github.client import GitHubSettings
from gate.report.text import clip_json

BUNDLE_SCHEMA = "evidence-bundle.schema.json"

# Top-level sections a developer-authored file may fill.
SECTIONS = (
    "model", "inventory", "artifact", "docs", "data", "model_design", "validation",
    "benchmark", "backtest", "fairness", "testing", "change", "limitations", "exceptions",
    "vendor", "reproducibility", "monitoring", "eu_ai_act", "fda", "adverse_action",
    "security", "ops", "waivers",
)  # fmt: skip

# Keys only the gate may write: a value in a developer file never satisfies them.
RESERVED = ("apiVersion", "approvals", "collected", "provenance")
# Fields inside declared sections that the gate collects itself (git, the CI environment,
# the GitHub API): who wrote the change, which commit, which CI run and its checks, and the
# branch protection. A developer or platform file that sets one is refused.
COLLECTED_ONLY: tuple[tuple[str, ...], ...] = (
    ("change", "author_ids"),
    ("change", "commit_sha"),
    ("change", "first_commit_at"),
    ("change", "ci_run_id"),
    ("change", "ci_commit_sha"),
    ("change", "required_checks"),
    ("change", "tests_passed"),
    ("security", "branch_protection"),
    ("artifact", "commit_sha"),
    ("reproducibility", "git_commit"),
    # A re-run of the training is recorded by `mrm-gate reproduce`, never declared.
    ("reproducibility", "reproduced_artifact_sha256"),
    ("reproducibility", "reproduced_at"),
)


def render_path(parts: tuple[str, ...]) -> str:
    return "$" + "".join(f".{p}" for p in parts)


@dataclass(frozen=True)
class CollectOptions:
    """Inputs of one collection. ``env`` is the process environment (GITHUB_* variables)."""

    repo: Path
    config: Path | None = None
    output: Path | None = None
    base: str | None = None
    env: Mapping[str, str] = field(default_factory=dict)
    now: str | None = None
    progress: ProgressFactory | None = None
    github: bool = False


@dataclass(frozen=True)
class CollectResult:
    """The bundle, its digest and the exact bytes to write."""

    bundle: dict[str, Any]
    digest: str
    data: bytes


@dataclass(frozen=True)
class _Origin:
    file: str
    prefix: str  # bundle path at which the file's own "$" sits


def serialise(bundle: dict[str, Any]) -> bytes:
    """Deterministic bundle file content: sorted keys, two-space indent, final newline."""
    text = json.dumps(bundle, indent=2, sort_keys=True, ensure_ascii=False, allow_nan=False)
    return (text + "\n").encode("utf-8")


class _Assembler:
    """Merges values into the bundle, remembering where each came from."""

    def __init__(self) -> None:
        self.doc: dict[str, Any] = {"apiVersion": API_VERSION}
        self.origins: dict[str, _Origin] = {}
        self.problems: list[Problem] = []

    def origin_of(self, json_path: str) -> _Origin | None:
        best: tuple[int, _Origin] | None = None
        for key, origin in self.origins.items():
            if json_path == key or json_path.startswith((key + ".", key + "[")):
                if best is None or len(key) > best[0]:
                    best = (len(key), origin)
        return best[1] if best else None

    def _conflict(self, parts: tuple[str, ...], old: Any, new: Any, origin: _Origin) -> None:
        path = render_path(parts)
        prior = self.origin_of(path)
        where = prior.file if prior else "another source"
        in_file = "$" + path[len(origin.prefix) :] if path.startswith(origin.prefix) else path
        self.problems.append(
            Problem(
                origin.file,
                in_file,
                f"gives {clip_json(new)} for {path} but {where} gives {clip_json(old)}",
                "make the two sources agree, or remove the value from the declared one",
            )
        )

    def _merge(
        self,
        node: dict[str, Any],
        parts: tuple[str, ...],
        value: Any,
        origin: _Origin,
        fill_only: bool,
    ) -> None:
        key = parts[-1]
        if key not in node:
            node[key] = copy.deepcopy(value)
            self.origins[render_path(parts)] = origin
            return
        existing = node[key]
        if isinstance(existing, dict) and isinstance(value, dict):
            for k in sorted(value):
                self._merge(existing, (*parts, k), value[k], origin, fill_only)
        elif canonical_json(existing) != canonical_json(value) and not fill_only:
            self._conflict(parts, existing, value, origin)

    def put(
        self, parts: tuple[str, ...], value: Any, origin: _Origin, *, fill_only: bool = False
    ) -> None:
        """Deep-merge ``value`` at ``parts``; a differing leaf is a conflict."""
        node = self.doc
        for i, key in enumerate(parts[:-1]):
            child = node.setdefault(key, {})
            if not isinstance(child, dict):
                self._conflict(parts[: i + 1], child, {parts[i + 1]: "…"}, origin)
                return
            node = child
        self._merge(node, parts, value, origin, fill_only)

    def has(self, *parts: str) -> bool:
        node: Any = self.doc
        for key in parts:
            if not isinstance(node, dict) or key not in node:
                return False
            node = node[key]
        return True


@dataclass
class _Run:
    root: Path
    config: CollectConfig
    options: CollectOptions
    out: _Assembler = field(default_factory=_Assembler)
    sources: list[dict[str, str]] = field(default_factory=list)

    def guard(self, label: str, fn: Callable[[], None]) -> None:
        """Run one source's step; record its problems and carry on with the others."""
        try:
            fn()
        except EvidenceError as err:
            self.out.problems.extend(err.problems or [Problem(label, "$", err.message)])

    def source(self, rel: str, sha: str, kind: str, section: str | None = None) -> None:
        entry = {"path": rel, "sha256": sha, "kind": kind}
        if section:
            entry["section"] = section
        self.sources.append(entry)

    def read(self, rel: str, json_path: str) -> tuple[str, Any]:
        real = resolve_in_repo(self.root, rel, referrer=self.config.label, json_path=json_path)
        text = read_text(real, max_bytes=self.config.max_file_bytes, label=rel)
        yaml_like = real.suffix.lower() in (".yml", ".yaml", ".lock", ".dvc")
        doc = parse_yaml(text, rel) if yaml_like else parse_json(text, rel)
        return sha256_bytes(text.encode("utf-8")), doc

    def refuse_collected(self, rel: str, prefix: tuple[str, ...], value: Any) -> bool:
        """True (and a problem recorded) when ``value`` at ``prefix`` sets a collected field."""
        bad = False
        for forbidden in COLLECTED_ONLY:
            if forbidden[: len(prefix)] == prefix:
                node: Any = value
                for key in forbidden[len(prefix) :]:
                    node = node.get(key) if isinstance(node, dict) else None
                hit = node is not None
            else:
                hit = prefix[: len(forbidden)] == forbidden
            if hit:
                bad = True
                self.out.problems.append(
                    Problem(
                        rel,
                        "$" + render_path(forbidden)[len(render_path(prefix)) :],
                        f"{render_path(forbidden)} is collected by the gate itself (git, the CI "
                        "environment, the GitHub API with collect --github, mrm-gate "
                        "reproduce); a file in the repository cannot set it",
                        "remove it from the file",
                    )
                )
        return bad

    # --- the sources -------------------------------------------------------------------

    def documentation(self, index: int, rel: str) -> None:
        sha, doc = self.read(rel, f"$.documentation[{index}]")
        if not isinstance(doc, dict):
            raise EvidenceError(
                f"{rel}: expected a mapping of bundle sections",
                [
                    Problem(
                        rel,
                        "$",
                        f"expected a mapping, got {type(doc).__name__}",
                        f"write top-level keys named after sections: {', '.join(SECTIONS)}",
                    )
                ],
            )
        for key in sorted(doc):
            if key in RESERVED:
                self.out.problems.append(
                    Problem(
                        rel,
                        f"$.{key}",
                        f"'{key}' is set by the gate itself (declared vs collected); a "
                        "developer file can never provide it",
                        f"remove '{key}' from the file",
                    )
                )
            elif key not in SECTIONS:
                self.out.problems.append(
                    Problem(
                        rel,
                        f"$.{key}",
                        f"'{key}' is not a bundle section",
                        f"use one of: {', '.join(SECTIONS)} (see docs/evidence.md)",
                    )
                )
            elif not self.refuse_collected(rel, (key,), doc[key]):
                self.out.put((key,), doc[key], _Origin(rel, "$"))
        self.source(rel, sha, "documentation", ",".join(sorted(doc)) or None)

    def mapped(self, kind: str, rel: str, section: str, json_path: str) -> None:
        sha, doc = self.read(rel, json_path)
        parts = tuple(section.split("."))
        if not self.refuse_collected(rel, parts, doc):
            self.out.put(parts, doc, _Origin(rel, render_path(parts)))
        self.source(rel, sha, kind, section)

    def artefacts(self) -> None:
        models = [a for a in self.config.artefacts if a.role == "model"]
        if len(models) > 1:
            self.out.problems.append(
                Problem(
                    self.config.label,
                    "$.artefacts",
                    f"{len(models)} artefacts have role 'model'; artifact.digest needs one",
                    "give exactly one artefact the role 'model'",
                )
            )
        components = []
        for art in self.config.artefacts:
            try:
                real = resolve_in_repo(
                    self.root, art.path, referrer=self.config.label, json_path=art.json_path
                )
                hexdigest, size = sha256_file(real, label=art.path, progress=self.options.progress)
            except EvidenceError as err:
                self.out.problems.extend(err.problems or [Problem(art.path, "$", err.message)])
                continue
            digest = f"sha256:{hexdigest}"
            components.append(
                {"path": art.path, "role": art.role, "digest": digest, "size_bytes": size}
            )
            self.source(art.path, hexdigest, "artefact", "artifact")
            if art.role == "model" and len(models) == 1:
                origin = _Origin("(collected: artefact hash)", "$")
                self.out.put(("artifact", "digest"), digest, origin)
                self.out.put(("artifact", "path"), art.path, origin)
                self.out.put(("artifact", "size_bytes"), size, origin)
                self.out.put(("reproducibility", "artifact_sha256"), hexdigest, origin)
        if components:
            components.sort(key=lambda c: (c["path"], c["role"]))
            self.out.put(
                ("artifact", "components"), components, _Origin("(collected: artefact hash)", "$")
            )

    def dvc(self) -> None:
        snapshots: list[dict[str, str]] = []
        for index, rel in enumerate(self.config.dvc):
            self.guard(rel, partial(self._dvc_file, index, rel, snapshots))
        unique = {canonical_json(s): s for s in snapshots}
        if unique:
            ordered = [unique[k] for k in sorted(unique)]
            ordered.sort(key=lambda s: (s["path"], s["source"], s["md5"]))
            self.out.put(
                ("reproducibility", "data_snapshots"),
                ordered,
                _Origin("(collected: DVC files)", "$"),
            )

    def _dvc_file(self, index: int, rel: str, snapshots: list[dict[str, str]]) -> None:
        sha, doc = self.read(rel, f"$.dvc[{index}]")
        snapshots.extend(snapshots_from_dvc(doc, rel=rel, label=rel))
        self.source(rel, sha, "dvc", "reproducibility.data_snapshots")

    def mlflow(self, rel: str) -> None:
        sha, doc = self.read(rel, "$.mlflow_run")
        run = parse_run(doc, label=rel)
        origin = _Origin(rel, "$")
        self.out.put(("reproducibility", "mlflow_run_id"), run.run_id, origin)
        if run.params:
            self.out.put(("reproducibility", "hyperparameters"), run.params, origin)
            # Declared design wins over the recorded params; fill only what is missing.
            self.out.put(("model_design", "hyperparameters"), run.params, origin, fill_only=True)
            for name in ("seed", "random_state", "random_seed"):
                seed = run.params.get(name)
                if isinstance(seed, int) and not isinstance(seed, bool):
                    self.out.put(("reproducibility", "seed"), seed, origin)
                    break
        if run.metrics:
            self.out.put(("testing", "results"), run.metrics, origin)
        self.source(rel, sha, "mlflow", "reproducibility")

    def mlflow_registry(self, rel: str, head: str) -> None:
        """The run and model version on the tracking server, and their links checked."""
        sha, doc = self.read(rel, "$.mlflow_registry")
        ref = parse_ref(doc, label=rel)
        uri = self.options.env.get("MLFLOW_TRACKING_URI")
        if not uri:
            raise UsageError(
                f"{self.config.label} names an MLflow reference ({rel}) but "
                "MLFLOW_TRACKING_URI is not set",
                hint="set MLFLOW_TRACKING_URI (and the gate's MLflow credentials) to the "
                "tracking server the pipeline logged to",
            )
        logged = read_logged(uri, ref, label=rel)
        self.out.problems.extend(commit_problems(logged, self.root, head, rel))
        self.out.problems.extend(link_problems(logged, self.out.doc, label=rel))
        origin = _Origin("(collected: MLflow tracking server)", "$")
        self.out.put(("reproducibility", "mlflow_run_id"), ref.run_id, _Origin(rel, "$"))
        self.out.doc.setdefault("collected", {})["mlflow"] = logged.to_json()
        self.out.origins["$.collected.mlflow"] = origin
        self.source(rel, sha, "mlflow", "collected.mlflow")

    def verify_data(self) -> None:
        """Every recorded data snapshot hash against the data in the checkout."""
        snaps = (self.out.doc.get("reproducibility") or {}).get("data_snapshots")
        if isinstance(snaps, list):
            origin = self.out.origin_of("$.reproducibility.data_snapshots")
            label = origin.file if origin else self.config.label
            self.out.problems.extend(snapshot_problems(snaps, self.root, label=label))


def _config_path(root: Path, config: Path | None) -> tuple[Path, str]:
    path = (config if config is not None else root / ".mrm-gate.yml").absolute()
    if not path.exists():
        raise UsageError(
            f"configuration file {path} not found",
            hint="create .mrm-gate.yml at the repository root or pass --config",
        )
    real = path.resolve()
    if not real.is_relative_to(root):
        raise EvidenceError(
            f"{path}: the configuration must live inside the repository {root}",
            [Problem(str(path), "$", "outside the repository", "move it into the repository")],
        )
    return real, repo_relative(root, real)


def collect(options: CollectOptions) -> CollectResult:
    """Collect, check and serialise a bundle. Raises :class:`EvidenceError` listing every
    problem found (exit 2); nothing is written here."""
    root = options.repo.resolve()
    if not root.is_dir():
        raise UsageError(f"repository directory {options.repo} does not exist")
    config_real, config_label = _config_path(root, options.config)
    config, config_text = load_config(config_real, config_label)
    run = _Run(root, config, options)
    run.source(config_label, sha256_bytes(config_text.encode("utf-8")), "config")
    _read_declared(run, config)
    out = run.out
    _check_model_id(out, config, config_label)
    if out.problems:
        raise EvidenceError(
            f"cannot collect the evidence bundle ({len(out.problems)} problem(s))",
            out.problems,
            hint="fix each file named above; no bundle was written",
        )
    git, facts = _change_facts(root, options)
    ci = ci_facts(options.env)
    _put_collected(out, git, facts, ci, options.github)
    conflicts = len(out.problems)
    if config.mlflow_registry:
        run.guard(
            config.mlflow_registry, partial(run.mlflow_registry, config.mlflow_registry, git.commit)
        )
    out.doc["collected"] = {
        **out.doc.get("collected", {}),
        "git": git.to_json(),
        "ci": ci,
        "collected_at": resolve_now(options.now),
    }
    out.origins["$.collected"] = _Origin("(collected: git and CI environment)", "$")
    out.doc["provenance"] = {
        "sources": sorted(run.sources, key=lambda s: (s["path"], s["kind"])),
        "collector_version": __version__,
    }
    out.origins["$.provenance"] = _Origin("(collected: provenance)", "$")
    if out.problems:
        raise _facts_error(out.problems, conflicts, config.mlflow_registry)
    _check_schema(out, config_label)
    bundle = out.doc
    pull_head = facts.pull_head if facts is not None else None
    return CollectResult(bundle, bundle_digest(bundle, pull_head), serialise(bundle))


def _read_declared(run: _Run, config: CollectConfig) -> None:
    """Every file the config names, each read into the bundle or its problems recorded."""
    for index, rel in enumerate(config.documentation):
        run.guard(rel, partial(run.documentation, index, rel))
    # Platform-team outputs (access review, scans, runbook...) are recorded as kind "other".
    for kind, items in (
        ("metrics", config.metrics),
        ("validation", config.validation),
        ("other", config.platform),
    ):
        for item in items:
            run.guard(item.path, partial(run.mapped, kind, item.path, item.section, item.json_path))
    run.artefacts()
    run.dvc()
    if config.mlflow_run:
        run.guard(config.mlflow_run, partial(run.mlflow, config.mlflow_run))
    run.verify_data()


def _check_model_id(out: _Assembler, config: CollectConfig, config_label: str) -> None:
    model = out.doc.get("model")
    declared_id = model.get("id") if isinstance(model, dict) else None
    if declared_id is not None and declared_id != config.model_id:
        origin = out.origin_of("$.model.id")
        out.problems.append(
            Problem(
                config_label,
                "$.model_id",
                f"model_id {config.model_id!r} differs from model.id {declared_id!r} in "
                f"{origin.file if origin else 'the documentation'}",
                "make model_id and model.id the same",
            )
        )


def _change_facts(root: Path, options: CollectOptions) -> tuple[GitFacts, PlatformFacts | None]:
    """The change as git sees it, its range fixed by what GitHub says the run judges."""
    exclude: list[str] = []
    if options.output is not None:
        out_real = options.output.absolute().resolve()
        if out_real.is_relative_to(root):
            exclude.append(repo_relative(root, out_real))
    settings = GitHubSettings.from_env(dict(options.env)) if options.github else None
    base = base_from_env(options.base, options.env)
    git = git_facts(root, base=base, exclude=exclude)
    if settings is None:
        return git, None
    facts = platform_facts(
        settings, head=git.commit, base_ref=base or options.env.get("GITHUB_REF_NAME")
    )
    if base is None and facts.pull_head == git.commit:
        # Only pull_request events set GITHUB_BASE_REF; a run started by a comment on the
        # checked-out pull request head judges the same change, whose range starts at the
        # pull request's base.
        git = git_facts(root, base=facts.base_ref, exclude=exclude)
    elif base is None and facts.pull_head is not None:
        # A deploy of the merge commit of the merged pull request: the change is what
        # the merge brought into the base branch, from its first parent (the base branch
        # before the merge) to the merge commit, so first_commit_at is the pull request's.
        git = git_facts(root, base=f"{git.commit}^1", exclude=exclude)
    return git, facts


def _put_collected(
    out: _Assembler, git: GitFacts, facts: PlatformFacts | None, ci: dict[str, Any], github: bool
) -> None:
    """The collected facts into the bundle, each over what was declared (a conflict is a
    problem)."""
    collected_origin = _Origin("(collected: git)", "$")
    out.put(("reproducibility", "git_commit"), git.commit, collected_origin)
    if out.has("change") or github:
        out.put(("change", "commit_sha"), git.commit, collected_origin)
    if git.first_commit_at:
        out.put(("change", "first_commit_at"), git.first_commit_at, collected_origin)
    ci_origin = _Origin("(collected: CI environment)", "$")
    if "run_id" in ci:
        out.put(("change", "ci_run_id"), ci["run_id"], ci_origin)
    if facts is not None and facts.pull_head == git.commit:
        # In a run that judges the checked-out pull request head, the tested commit is the
        # one whose required checks were read: GITHUB_SHA is the test merge commit in a
        # pull_request run and the default branch head in an issue_comment run.
        out.put(
            ("change", "ci_commit_sha"), facts.head_sha, _Origin("(collected: GitHub API)", "$")
        )
    elif "sha" in ci:
        out.put(("change", "ci_commit_sha"), ci["sha"], ci_origin)
    if facts is not None:
        api_origin = _Origin("(collected: GitHub API)", "$")
        out.put(("security", "branch_protection"), facts.branch_protection, api_origin)
        out.put(("change", "required_checks"), facts.required_checks, api_origin)
        out.put(("change", "tests_passed"), facts.tests_passed, api_origin)
        if facts.author_ids:
            out.put(("change", "author_ids"), facts.author_ids, api_origin)
    if out.has("artifact", "digest"):
        out.put(("artifact", "commit_sha"), git.commit, collected_origin)


def _facts_error(problems: list[Problem], conflicts: int, registry: str | None) -> EvidenceError:
    """The first ``conflicts`` problems are declared values that contradict collected facts;
    the rest are the MLflow registry's, whose own fixes say what to do (retrain, log again,
    point at the right server), not "remove the declared values"."""
    what = []
    if conflicts:
        what.append(f"declared values contradict collected facts ({conflicts} problem(s))")
    if len(problems) > conflicts:
        what.append(
            f"the MLflow registry does not back the evidence ({len(problems) - conflicts} "
            f"problem(s), from {registry})"
        )
    hint = (
        "remove the declared values; the gate collects them itself"
        if conflicts
        else "follow the fix named for each problem above; no bundle was written"
    )
    if conflicts and len(problems) > conflicts:
        hint += "; for the registry's problems, follow the fix named for each"
    return EvidenceError("; ".join(what), problems, hint=hint)


def _check_schema(out: _Assembler, config_label: str) -> None:
    problems = []
    for problem in schema_problems(out.doc, BUNDLE_SCHEMA, "bundle"):
        origin = out.origin_of(problem.json_path)
        if origin is None:
            problems.append(
                Problem(
                    config_label,
                    problem.json_path,
                    f"in the assembled bundle: {problem.message}",
                    problem.fix,
                )
            )
            continue
        path = problem.json_path
        in_file = "$" + path[len(origin.prefix) :] if path.startswith(origin.prefix) else path
        problems.append(Problem(origin.file, in_file, problem.message, problem.fix))
    if problems:
        raise EvidenceError(
            f"the collected evidence does not match the bundle schema ({len(problems)} problem(s))",
            problems,
            hint="fix each file named above (docs/evidence.md describes every field); "
            "no bundle was written",
        )
