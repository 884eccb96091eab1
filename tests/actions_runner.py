"""A small GitHub Actions runner for the tests: runs action.yml and examples/workflows/*.yml.

It does what the hosted runner does for the parts those files use: picks the workflow file
from the commit the event names, decides from ``on:`` whether the event starts a run, runs
each job's steps in order with ``if:`` (``success()``, ``failure()``, ``always()``), ``env:``
at workflow, job and step level, ``working-directory``, ``shell``, the ``${{ }}``
expressions (tests/actions_expr.py), the GITHUB_OUTPUT / GITHUB_ENV / GITHUB_PATH /
GITHUB_STEP_SUMMARY files, exit codes, composite actions (``uses: ./`` and actions mapped to
a local directory) and local equivalents of actions/checkout (a clone of the local repository
at the event's ref), actions/setup-python (the tests' interpreter), actions/cache (a
directory) and actions/upload-artifact / download-artifact (a directory per run). Jobs run
in the order their ``needs:`` give, each on a fresh machine (its own workspace and
RUNNER_TEMP): only job ``outputs:`` (the ``needs`` context) and artifacts pass between
them. A job's token follows its ``permissions:``: none granting write gives the read-only
token. The environment of a run is GitHub's for the event (see
../shared/github-samples/events/README.md). Anything else it refuses with
UnsupportedWorkflow: a test fails rather than running a workflow unlike GitHub would.

Known differences, none of which the gate depends on: jobs run one after another on this
machine (``runs-on``, ``concurrency`` and ``environment`` are recorded, not enforced; the
test gives each run the tokens GitHub would); ``fetch-depth`` is ignored (the
clone always has full history); post steps of actions/cache run at the end of the job.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import venv
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from actions_expr import (
    Evaluator,
    UnsupportedExpression,
    interpolate,
    interpolate_value,
    strip_template,
    truthy,
    uses_status_function,
)

__all__ = [
    "GitHubRepo",
    "JobRun",
    "Runner",
    "StepRun",
    "UnsupportedExpression",
    "UnsupportedWorkflow",
    "WorkflowRun",
]

WORKFLOW_KEYS = {
    "name",
    "run-name",
    "on",
    True,
    "permissions",
    "env",
    "concurrency",
    "jobs",
    "defaults",
}
JOB_KEYS = {
    "name",
    "if",
    "runs-on",
    "environment",
    "permissions",
    "concurrency",
    "env",
    "steps",
    "timeout-minutes",
    "defaults",
    "needs",
    "outputs",
}
STEP_KEYS = {
    "id",
    "name",
    "if",
    "run",
    "uses",
    "with",
    "env",
    "shell",
    "working-directory",
    "continue-on-error",
    "timeout-minutes",
}
SHELLS = {"bash": ["bash", "--noprofile", "--norc", "-eo", "pipefail"], "sh": ["sh", "-e"]}
DEFAULT_SHELL = ["bash", "-e"]  # a workflow `run:` without `shell:` on Linux
PR_EVENTS = ("pull_request", "pull_request_review")


class UnsupportedWorkflow(Exception):
    """The workflow uses something this runner does not do as GitHub does."""


@dataclass
class GitHubRepo:
    """The repository as GitHub hosts it: a local git repository and its name."""

    path: Path
    full_name: str
    default_branch: str = "main"

    def git(self, *args: str) -> str:
        return _git(self.path, *args)

    def rev(self, ref: str) -> str:
        return self.git("rev-parse", "--verify", f"{ref}^{{commit}}")

    def update_pull_refs(self, number: int, head_sha: str, base: str) -> str:
        """What GitHub does on each push to a PR: refs/pull/N/head and the test merge
        commit refs/pull/N/merge (head merged into the base branch). Returns its SHA."""
        base_sha = self.rev(f"refs/heads/{base}")
        self.git("update-ref", f"refs/pull/{number}/head", head_sha)
        tree = self.git("merge-tree", "--write-tree", base_sha, head_sha).splitlines()[0]
        message = f"Merge {head_sha} into {base_sha}"
        merge = self.git("commit-tree", tree, "-p", base_sha, "-p", head_sha, "-m", message)
        self.git("update-ref", f"refs/pull/{number}/merge", merge)
        return merge


def _git(cwd: Path, *args: str) -> str:
    proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)} failed in {cwd}: {proc.stderr.strip()}")
    return proc.stdout.strip()


@dataclass
class StepRun:
    id: str
    name: str
    outcome: str = "skipped"  # success | failure | skipped
    exit_code: int | None = None
    outputs: dict[str, str] = field(default_factory=dict)
    log: str = ""
    steps: list[StepRun] = field(default_factory=list)  # a composite action's own steps


@dataclass
class JobRun:
    name: str
    conclusion: str = "skipped"
    steps: list[StepRun] = field(default_factory=list)
    summary: str = ""
    outputs: dict[str, str] = field(default_factory=dict)  # the job's `outputs:`
    token: str = ""  # the GITHUB_TOKEN the job was given (see Runner.credentials)
    env: dict[str, str] = field(default_factory=dict)  # GITHUB_WORKSPACE, RUNNER_TEMP, ...

    def step(self, key: str) -> StepRun:
        """A step by id or name, looking inside composite actions too."""
        for step in _walk(self.steps):
            if key in (step.id, step.name):
                return step
        raise KeyError(f"no step {key!r} in job {self.name}: {[s.name for s in self.steps]}")

    @property
    def log(self) -> str:
        return "\n".join(f"--- {s.name} ({s.outcome})\n{s.log}" for s in _walk(self.steps))


def _walk(steps: list[StepRun]) -> list[StepRun]:
    out: list[StepRun] = []
    for step in steps:
        out += [step, *_walk(step.steps)]
    return out


@dataclass
class WorkflowRun:
    name: str
    env: dict[str, str]
    jobs: dict[str, JobRun]

    def job(self, name: str | None = None) -> JobRun:
        return self.jobs[name] if name else next(iter(self.jobs.values()))


def event_refs(repo: GitHubRepo, event: str, payload: Mapping[str, Any]) -> tuple[str, str]:
    """GITHUB_SHA and GITHUB_REF for an event, as GitHub sets them."""
    if event in PR_EVENTS:
        pull = payload["pull_request"]
        if event == "pull_request" and payload.get("action") == "closed" and pull.get("merged"):
            return str(pull["merge_commit_sha"]), f"refs/heads/{pull['base']['ref']}"
        ref = f"refs/pull/{pull['number']}/merge"
        return repo.rev(ref), ref
    if event == "issue_comment":
        ref = f"refs/heads/{repo.default_branch}"
        return repo.rev(ref), ref
    if event == "push":
        return str(payload["after"]), str(payload["ref"])
    if event == "workflow_dispatch":
        return repo.rev(str(payload["ref"])), str(payload["ref"])
    if event == "deployment":
        deployment = payload["deployment"]
        ref = str(deployment.get("ref") or "")
        is_branch = bool(ref) and bool(repo.git("branch", "--list", ref))
        return str(deployment["sha"]), (f"refs/heads/{ref}" if is_branch else "")
    raise UnsupportedWorkflow(f"event {event!r} is not implemented by the test runner")


def triggers(on: Any, event: str, payload: Mapping[str, Any], ref: str) -> bool:
    """Whether ``on:`` starts a run for this event (``types:`` and ``branches:`` filters)."""
    if isinstance(on, str):
        on = [on]
    if isinstance(on, list):
        return event in on
    if not isinstance(on, dict) or event not in on:
        return False
    spec = on[event] or {}
    unknown = set(spec) - {"types", "branches"}
    if unknown:
        raise UnsupportedWorkflow(f"on.{event}: filters {sorted(unknown)} not implemented")
    if "types" in spec and payload.get("action") not in spec["types"]:
        return False
    if "branches" in spec:
        if event in PR_EVENTS:
            branch = payload["pull_request"]["base"]["ref"]
        else:
            branch = ref.removeprefix("refs/heads/")
        if any(ch in "".join(spec["branches"]) for ch in "*?[!"):
            raise UnsupportedWorkflow("branch patterns are not implemented; name branches")
        return branch in spec["branches"]
    return True


def parse_file_command(path: Path) -> dict[str, str]:
    """``name=value`` lines and ``name<<DELIMITER`` blocks, as GITHUB_OUTPUT/GITHUB_ENV."""
    values: dict[str, str] = {}
    lines = path.read_text("utf-8").splitlines() if path.exists() else []
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if not line.strip():
            continue
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            block: list[str] = []
            while i < len(lines) and lines[i] != delimiter:
                block.append(lines[i])
                i += 1
            if i >= len(lines):
                raise UnsupportedWorkflow(f"{path.name}: no closing delimiter {delimiter!r}")
            i += 1
            values[name] = "\n".join(block)
        elif "=" in line:
            name, value = line.split("=", 1)
            values[name] = value
        else:
            raise UnsupportedWorkflow(f"{path.name}: malformed line {line!r}")
    return values


@dataclass
class Scope:
    """One list of steps: a job's, or a composite action's (which has its own ``steps``)."""

    job: _Job
    parent: Scope | None = None
    inputs: dict[str, str] | None = None
    action_path: Path | None = None
    step_env: dict[str, str] = field(default_factory=dict)  # env given to a composite step
    steps: dict[str, dict[str, Any]] = field(default_factory=dict)
    failed: bool = False

    def is_failed(self) -> bool:
        return self.failed or (self.parent is not None and self.parent.is_failed())

    def status(self, name: str) -> bool:
        failed = self.is_failed()
        return {"success": not failed, "failure": failed, "always": True, "cancelled": False}[name]

    def evaluator(self, env: Mapping[str, str]) -> Evaluator:
        contexts: dict[str, Any] = {
            "github": self.job.github_context(self.action_path),
            "env": dict(env),
            "steps": self.steps,
            "secrets": self.job.secrets,
            "runner": self.job.runner_context(),
            "job": {"status": "failure" if self.is_failed() else "success"},
            "vars": {},
        }
        if self.job.needs is not None:
            contexts["needs"] = self.job.needs
        if self.inputs is not None:
            contexts["inputs"] = self.inputs
        return Evaluator(contexts, self.status)


class _Job:
    """The state of one job while its steps run."""

    def __init__(
        self,
        runner: Runner,
        run_env: dict[str, str],
        job_env: dict[str, str],
        payload: Mapping[str, Any],
        workspace: Path,
        job_id: str,
        credentials: tuple[str, dict[str, str]],
        needs: dict[str, Any] | None,
    ) -> None:
        self.runner = runner
        self.run_env = run_env
        self.env = job_env
        self.payload = payload
        self.workspace = workspace
        self.job_id = job_id
        self.paths: list[str] = []
        self.summary: list[str] = []
        self.post: list[tuple[str, Any]] = []
        self.counter = 0
        self.token, self.secrets = credentials
        self.needs = needs  # the `needs` context: each needed job's result and outputs
        # actions/upload-artifact's storage: one directory per run, shared by its jobs.
        self.artifacts = runner.home / f"run-{runner.runs}" / "artifacts"

    def github_context(self, action_path: Path | None) -> dict[str, Any]:
        env = self.run_env
        owner = env["GITHUB_REPOSITORY"].split("/")[0]
        return {
            "event_name": env["GITHUB_EVENT_NAME"],
            "event": self.payload,
            "sha": env["GITHUB_SHA"],
            "ref": env["GITHUB_REF"],
            "ref_name": env["GITHUB_REF_NAME"],
            "head_ref": env["GITHUB_HEAD_REF"],
            "base_ref": env["GITHUB_BASE_REF"],
            "actor": env["GITHUB_ACTOR"],
            "triggering_actor": env["GITHUB_TRIGGERING_ACTOR"],
            "repository": env["GITHUB_REPOSITORY"],
            "repository_owner": owner,
            "token": self.token,
            "workspace": str(self.workspace),
            "action_path": str(action_path or ""),
            "run_id": env["GITHUB_RUN_ID"],
            "run_number": env["GITHUB_RUN_NUMBER"],
            "run_attempt": env["GITHUB_RUN_ATTEMPT"],
            "server_url": env["GITHUB_SERVER_URL"],
            "api_url": env["GITHUB_API_URL"],
            "workflow": env["GITHUB_WORKFLOW"],
            "job": self.job_id,
            "event_path": env["GITHUB_EVENT_PATH"],
        }

    def runner_context(self) -> dict[str, str]:
        return {
            "os": "Linux",
            "arch": "X64",
            "temp": self.run_env["RUNNER_TEMP"],
            "tool_cache": self.run_env["RUNNER_TOOL_CACHE"],
        }

    def process_env(self, scope: Scope, step_env: Mapping[str, str]) -> dict[str, str]:
        env = {**self.runner.machine_env, **self.run_env, **self.env, **scope.step_env, **step_env}
        if scope.action_path is not None:
            env["GITHUB_ACTION_PATH"] = str(scope.action_path)
        env["PATH"] = os.pathsep.join([*reversed(self.paths), env["PATH"]])
        return env


class Runner:
    """Runs workflows of ``repo`` for events. ``actions`` maps ``owner/name@ref`` to the
    directory holding that action (what the runner would download)."""

    def __init__(
        self,
        repo: GitHubRepo,
        home: Path,
        *,
        api_url: str,
        token: str,
        secrets: Mapping[str, str] | None = None,
        actions: Mapping[str, Path] | None = None,
        machine_env: Mapping[str, str] | None = None,
        fork_token: str = "",
        read_token: str = "",
    ) -> None:
        self.repo = repo
        self.home = home
        self.api_url = api_url
        self.token = token
        self.secrets = {"GITHUB_TOKEN": token, **(secrets or {})}
        self.fork_token = fork_token
        self.read_token = read_token
        self.actions = dict(actions or {})
        base = {k: os.environ[k] for k in ("PATH", "HOME", "LANG", "TMPDIR") if k in os.environ}
        base.update(machine_env or {})
        self.machine_env = base
        self.cache_dir = home / "cache"
        self.tool_cache = home / "toolcache"
        self.runs = 0
        # The runner machine's clock (RFC 3339), set by the test before a run: every step
        # runs under Debian's faketime starting at that instant. None: the real clock.
        self.clock: str | None = None
        # Someone who can write to a run's artifact storage between two of its jobs (a
        # test's attacker): called with the job just finished and the run's artifacts.
        self.after_job: Callable[[str, Path], None] | None = None

    def seed_cache(self, key: str, paths: list[Path]) -> None:
        """What an earlier run saved with actions/cache under ``key``."""
        slot = self.cache_dir / hashlib.sha256(key.encode()).hexdigest()
        for index, path in enumerate(paths):
            shutil.copytree(path, slot / str(index), symlinks=True)

    def credentials(
        self, event: str, payload: Mapping[str, Any], permissions: Any
    ) -> tuple[str, dict[str, str]]:
        """The token and secrets of a job. A pull request from a fork gets GitHub's
        read-only token for forks and no secret but that token (PERMISSIONS.md, 5); a job
        whose ``permissions`` grant no write gets a read-only GITHUB_TOKEN (``read_token``)
        and keeps the repository's secrets."""
        pull = payload.get("pull_request") or {}
        head_repo = ((pull.get("head") or {}).get("repo") or {}).get("full_name")
        if event in PR_EVENTS and head_repo not in (None, self.repo.full_name):
            if not self.fork_token:
                raise UnsupportedWorkflow("a fork's pull request run needs Runner(fork_token=)")
            return self.fork_token, {"GITHUB_TOKEN": self.fork_token}
        if not grants_write(permissions):
            if not self.read_token:
                raise UnsupportedWorkflow(
                    "a job without write permissions needs Runner(read_token=)"
                )
            return self.read_token, {**self.secrets, "GITHUB_TOKEN": self.read_token}
        return self.token, self.secrets

    # -- a run -----------------------------------------------------------------------------

    def run(
        self, workflow: str, event: str, payload: Mapping[str, Any], *, actor: str | None = None
    ) -> WorkflowRun | None:
        """Run ``workflow`` (a path in the repository) for an event, from the version of the
        file in the event's commit. None when ``on:`` does not start a run for it."""
        sha, ref = event_refs(self.repo, event, payload)
        text = self.repo.git("show", f"{sha}:{workflow}")
        doc = yaml.safe_load(text)
        _refuse_unknown(doc, WORKFLOW_KEYS, f"{workflow}")
        on = doc.get("on", doc.get(True))
        if not triggers(on, event, payload, ref):
            return None
        self.runs += 1
        run_env = self._run_env(doc, workflow, event, payload, sha, ref, actor)
        if doc.get("defaults"):
            raise UnsupportedWorkflow(f"{workflow}: defaults: is not implemented")
        jobs: dict[str, JobRun] = {}
        for job_id in job_order(doc["jobs"]):
            jobs[job_id] = self._job(job_id, doc["jobs"][job_id], doc, run_env, payload, jobs)
            if self.after_job is not None:
                self.after_job(job_id, self.home / f"run-{self.runs}" / "artifacts")
        return WorkflowRun(doc.get("name", workflow), run_env, jobs)

    def _run_env(
        self,
        doc: dict[str, Any],
        workflow: str,
        event: str,
        payload: Mapping[str, Any],
        sha: str,
        ref: str,
        actor: str | None,
    ) -> dict[str, str]:
        run_dir = self.home / f"run-{self.runs}"
        (run_dir / "temp").mkdir(parents=True)
        event_path = run_dir / "event.json"
        event_path.write_text(json.dumps(payload, indent=2), "utf-8")
        sender = actor or payload["sender"]["login"]
        is_pr = event == "pull_request"
        pull = payload.get("pull_request") or {}
        return {
            "CI": "true",
            "GITHUB_ACTIONS": "true",
            "GITHUB_EVENT_NAME": event,
            "GITHUB_EVENT_PATH": str(event_path),
            "GITHUB_SHA": sha,
            "GITHUB_REF": ref,
            "GITHUB_REF_NAME": ref.split("/", 2)[-1]
            if ref.startswith("refs/heads/")
            else ref.removeprefix("refs/pull/").removeprefix("refs/tags/"),
            "GITHUB_HEAD_REF": pull.get("head", {}).get("ref", "") if is_pr else "",
            "GITHUB_BASE_REF": pull.get("base", {}).get("ref", "") if is_pr else "",
            "GITHUB_ACTOR": sender,
            "GITHUB_TRIGGERING_ACTOR": sender,
            "GITHUB_REPOSITORY": self.repo.full_name,
            "GITHUB_REPOSITORY_OWNER": self.repo.full_name.split("/")[0],
            "GITHUB_RUN_ID": str(9000 + self.runs),
            "GITHUB_RUN_NUMBER": str(self.runs),
            "GITHUB_RUN_ATTEMPT": "1",
            "GITHUB_WORKFLOW": str(doc.get("name", workflow)),
            "GITHUB_WORKFLOW_REF": f"{self.repo.full_name}/{workflow}@{ref}",
            "GITHUB_WORKFLOW_SHA": sha,
            "GITHUB_SERVER_URL": "https://github.com",
            "GITHUB_API_URL": self.api_url,
            "GITHUB_GRAPHQL_URL": f"{self.api_url}/graphql",
            "GITHUB_WORKSPACE": str(run_dir / "workspace"),  # each job gets its own below
            "RUNNER_TEMP": str(run_dir / "temp"),
            "RUNNER_TOOL_CACHE": str(self.tool_cache),
            "RUNNER_OS": "Linux",
            "RUNNER_ARCH": "X64",
        }

    def _job(
        self,
        job_id: str,
        spec: dict[str, Any],
        doc: dict[str, Any],
        run_env: dict[str, str],
        payload: Mapping[str, Any],
        done: Mapping[str, JobRun],
    ) -> JobRun:
        """One job on a fresh machine: its own workspace and RUNNER_TEMP, so files, GITHUB_ENV
        and GITHUB_PATH never pass from one job to another (only outputs and artifacts do)."""
        _refuse_unknown(spec, JOB_KEYS, f"jobs.{job_id}")
        if spec.get("defaults"):
            raise UnsupportedWorkflow(f"jobs.{job_id}: defaults: is not implemented")
        machine = Path(run_env["RUNNER_TEMP"]).parent / "jobs" / job_id
        (machine / "temp").mkdir(parents=True)
        workspace = machine / "workspace"
        workspace.mkdir()
        job_env = {
            **run_env,
            "GITHUB_JOB": job_id,
            "GITHUB_WORKSPACE": str(workspace),
            "RUNNER_TEMP": str(machine / "temp"),
        }
        permissions = spec.get("permissions", doc.get("permissions", "write-all"))
        credentials = self.credentials(run_env["GITHUB_EVENT_NAME"], payload, permissions)
        needed = needs_of(job_id, spec)
        needs = {n: {"result": done[n].conclusion, "outputs": done[n].outputs} for n in needed}
        job = _Job(
            self, job_env, {}, payload, workspace, job_id, credentials, needs if needed else None
        )
        scope = Scope(job)
        result = JobRun(spec.get("name", job_id), token=job.token, env=job_env)
        if not self._job_condition(spec, scope, [n["result"] for n in needs.values()]):
            return result
        for level in (doc.get("env") or {}, spec.get("env") or {}):
            job.env.update(interpolate_value(level, scope.evaluator(job.env)))
        for index, step in enumerate(spec["steps"]):
            result.steps.append(self._step(step, index, scope, composite=False))
        for kind, post in job.post:
            if kind == "cache-save" and not scope.failed:
                post()
        result.conclusion = "failure" if scope.failed else "success"
        result.summary = "".join(job.summary)
        final = scope.evaluator(job.env)
        result.outputs = {
            str(k): interpolate(str(v), final) for k, v in (spec.get("outputs") or {}).items()
        }
        return result

    def _job_condition(self, spec: dict[str, Any], scope: Scope, needed: list[str]) -> bool:
        """A job's ``if:``. Its status functions look at the jobs it needs: success() when
        each of them succeeded (a skipped one skips it too), failure() when one failed."""
        text = strip_template(str(spec.get("if", "success()")))
        if not uses_status_function(text):
            text = f"success() && ({text})"
        status = {
            "success": all(r == "success" for r in needed),
            "failure": any(r == "failure" for r in needed),
            "always": True,
            "cancelled": False,
        }
        contexts = scope.evaluator(scope.job.env).contexts
        return truthy(Evaluator(contexts, status.__getitem__).evaluate(text))

    # -- steps -----------------------------------------------------------------------------

    def _condition(self, expression: Any, scope: Scope, env: Mapping[str, str]) -> bool:
        text = strip_template(str(expression))
        if not uses_status_function(text):
            text = f"success() && ({text})"
        return truthy(scope.evaluator(env).evaluate(text))

    def _step(self, step: dict[str, Any], index: int, scope: Scope, composite: bool) -> StepRun:
        _refuse_unknown(step, STEP_KEYS, f"step {step.get('name', index)}")
        step_id = str(step.get("id", f"__step{index}"))
        name = str(step.get("name") or step.get("uses") or step.get("run", "")[:40])
        record = StepRun(step_id, name)
        env_now = {**scope.job.env, **scope.step_env}
        if "if" in step and not self._condition(step["if"], scope, env_now):
            scope.steps[step_id] = {"outputs": {}, "outcome": "skipped", "conclusion": "skipped"}
            return record
        if "if" not in step and not scope.status("success"):
            scope.steps[step_id] = {"outputs": {}, "outcome": "skipped", "conclusion": "skipped"}
            return record
        evaluator = scope.evaluator(env_now)
        step_env = interpolate_value(step.get("env") or {}, evaluator)
        evaluator = scope.evaluator({**env_now, **step_env})
        if "run" in step:
            self._run_script(step, scope, step_env, evaluator, record, composite)
        elif "uses" in step:
            self._uses(step, scope, step_env, evaluator, record)
        else:
            raise UnsupportedWorkflow(f"step {name}: neither run: nor uses:")
        tolerated = str(step.get("continue-on-error", "false")).lower() == "true"
        conclusion = record.outcome
        if record.outcome == "failure" and tolerated:
            conclusion = "success"
        elif record.outcome == "failure":
            scope.failed = True
        scope.steps[step_id] = {
            "outputs": record.outputs,
            "outcome": record.outcome,
            "conclusion": conclusion,
        }
        return record

    def _file_commands(self, job: _Job) -> dict[str, Path]:
        job.counter += 1
        folder = Path(job.run_env["RUNNER_TEMP"]) / "_runner_file_commands" / str(job.counter)
        folder.mkdir(parents=True)
        files = {
            name: folder / name.lower()
            for name in ("GITHUB_OUTPUT", "GITHUB_ENV", "GITHUB_PATH", "GITHUB_STEP_SUMMARY")
        }
        for path in files.values():
            path.touch()
        return files

    def _run_script(
        self,
        step: dict[str, Any],
        scope: Scope,
        step_env: dict[str, str],
        evaluator: Evaluator,
        record: StepRun,
        composite: bool,
    ) -> None:
        job = scope.job
        shell = step.get("shell")
        if shell is None and composite:
            raise UnsupportedWorkflow(f"step {record.name}: a composite run step needs shell:")
        if shell is not None and shell not in SHELLS:
            raise UnsupportedWorkflow(f"step {record.name}: shell {shell!r} not implemented")
        command = SHELLS[shell] if shell else DEFAULT_SHELL
        script = interpolate(str(step["run"]), evaluator)
        workdir = job.workspace / interpolate(str(step.get("working-directory", ".")), evaluator)
        files = self._file_commands(job)
        script_path = files["GITHUB_OUTPUT"].parent / "script.sh"
        script_path.write_text(script, "utf-8")
        env = {**job.process_env(scope, step_env), **{k: str(v) for k, v in files.items()}}
        if self.clock is not None:
            command = [*self._faketime(), *command]
            env["TZ"] = "UTC"
        proc = subprocess.run(
            [*command, str(script_path)],
            cwd=workdir,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        record.exit_code = proc.returncode
        record.log = proc.stdout + proc.stderr
        record.outcome = "success" if proc.returncode == 0 else "failure"
        self._apply_file_commands(job, files, record)

    def _faketime(self) -> list[str]:
        if shutil.which("faketime") is None:
            raise RuntimeError(
                "the runner's clock needs Debian's faketime: scripts/install-system-tools.sh "
                "faketime (make setup installs it)"
            )
        assert self.clock is not None
        return ["faketime", self.clock.replace("T", " ").removesuffix("Z")]

    def _apply_file_commands(self, job: _Job, files: dict[str, Path], record: StepRun) -> None:
        record.outputs.update(parse_file_command(files["GITHUB_OUTPUT"]))
        job.env.update(parse_file_command(files["GITHUB_ENV"]))
        job.paths += [line for line in files["GITHUB_PATH"].read_text().splitlines() if line]
        job.summary.append(files["GITHUB_STEP_SUMMARY"].read_text("utf-8"))

    def _uses(
        self,
        step: dict[str, Any],
        scope: Scope,
        step_env: dict[str, str],
        evaluator: Evaluator,
        record: StepRun,
    ) -> None:
        uses = str(step["uses"])
        inputs = {
            str(k): v for k, v in interpolate_value(step.get("with") or {}, evaluator).items()
        }
        name, _, _ref = uses.partition("@")
        builtin = {
            "actions/checkout": self._checkout,
            "actions/setup-python": self._setup_python,
            "actions/cache": self._cache,
            "actions/upload-artifact": self._upload_artifact,
            "actions/download-artifact": self._download_artifact,
        }
        if name in builtin and uses not in self.actions:
            builtin[name](scope, inputs, record)
            return
        if uses.startswith("./"):
            directory = scope.job.workspace / uses
        elif uses in self.actions:
            directory = self.actions[uses]
        elif _action_repo(uses) in self.actions:  # owner/name/path@ref: an action in a folder
            directory = self.actions[_action_repo(uses)].joinpath(*name.split("/")[2:])
        else:
            raise UnsupportedWorkflow(f"uses: {uses} has no local equivalent in the test runner")
        self._composite(directory, scope, inputs, step_env, record)

    def _composite(
        self,
        directory: Path,
        outer: Scope,
        given: dict[str, str],
        step_env: dict[str, str],
        record: StepRun,
    ) -> None:
        action = yaml.safe_load((directory / "action.yml").read_text("utf-8"))
        if action["runs"].get("using") != "composite":
            raise UnsupportedWorkflow(f"{directory}: only composite actions are implemented")
        declared = action.get("inputs") or {}
        unexpected = set(given) - set(declared)
        if unexpected:
            raise UnsupportedWorkflow(f"{directory}/action.yml: unexpected inputs {unexpected}")
        scope = Scope(
            outer.job,
            parent=outer,
            inputs={},
            action_path=directory,
            step_env={**outer.step_env, **step_env},
        )
        defaults = scope.evaluator({**outer.job.env, **scope.step_env})
        for key, spec in declared.items():
            default = interpolate(str((spec or {}).get("default", "")), defaults)
            scope.inputs[key] = given.get(key, default)  # type: ignore[index]
        for index, inner in enumerate(action["runs"]["steps"]):
            record.steps.append(self._step(inner, index, scope, composite=True))
        final = scope.evaluator({**outer.job.env, **scope.step_env})
        for key, spec in (action.get("outputs") or {}).items():
            record.outputs[key] = interpolate(str(spec["value"]), final)
        record.outcome = "failure" if scope.failed else "success"

    # -- local equivalents of the actions the files use ----------------------------------

    def _checkout(self, scope: Scope, inputs: dict[str, str], record: StepRun) -> None:
        allowed = {
            "ref",
            "fetch-depth",
            "path",
            "persist-credentials",
            "sparse-checkout",
            "sparse-checkout-cone-mode",
        }
        _refuse_unknown(inputs, allowed, "actions/checkout with")
        job = scope.job
        dest = job.workspace / inputs.get("path", "")
        if dest.exists() and dest != job.workspace:
            shutil.rmtree(dest)
        dest.mkdir(parents=True, exist_ok=True)
        ref = inputs.get("ref") or job.run_env["GITHUB_SHA"]
        _git(dest, "init", "--quiet")
        _git(dest, "remote", "add", "origin", str(self.repo.path))
        _git(
            dest,
            "fetch",
            "--quiet",
            "origin",
            "+refs/heads/*:refs/remotes/origin/*",
            "+refs/pull/*:refs/remotes/pull/*",
            "+refs/tags/*:refs/tags/*",
        )
        target = _resolve_checkout_ref(dest, ref)
        sparse = [p for p in inputs.get("sparse-checkout", "").splitlines() if p.strip()]
        if sparse:
            cone = inputs.get("sparse-checkout-cone-mode", "true") == "true"
            _git(dest, "sparse-checkout", "set", *([] if cone else ["--no-cone"]), *sparse)
        _git(dest, "checkout", "--quiet", "--detach", target)
        _git(dest, "remote", "set-url", "origin", f"https://github.com/{self.repo.full_name}")
        record.outcome = "success"
        record.log = f"checked out {target} ({ref}) into {dest}"

    def toolcache_python(self) -> Path:
        """The interpreter setup-python provides: a venv of the tests' Python whose
        site-packages also sees the tests' dependencies (installed once, no downloads)."""
        target = self.tool_cache / "Python"
        if not (target / "bin" / "python").exists():
            venv.create(target, with_pip=True)
            site = subprocess.run(
                [
                    str(target / "bin" / "python"),
                    "-c",
                    "import sysconfig; print(sysconfig.get_paths()['purelib'])",
                ],
                capture_output=True,
                text=True,
                check=True,
            ).stdout.strip()
            # Like the hosted Python 3.12: no setuptools of its own (3.11's ensurepip adds
            # an old one); the build backend is the tests' (see PIP_NO_BUILD_ISOLATION).
            subprocess.run(
                [
                    str(target / "bin" / "python"),
                    "-m",
                    "pip",
                    "uninstall",
                    "-q",
                    "-y",
                    "setuptools",
                ],
                capture_output=True,
                check=True,
            )
            Path(site, "tests-dependencies.pth").write_text(
                sysconfig.get_paths()["purelib"] + "\n", "utf-8"
            )
        return target / "bin"

    def _setup_python(self, scope: Scope, inputs: dict[str, str], record: StepRun) -> None:
        _refuse_unknown(inputs, {"python-version", "cache"}, "actions/setup-python with")
        bindir = self.toolcache_python()
        scope.job.paths.append(str(bindir))
        version = ".".join(str(v) for v in sys.version_info[:3])
        record.outputs.update({"python-version": version, "python-path": str(bindir / "python")})
        record.outcome = "success"
        record.log = f"python {version} (asked for {inputs.get('python-version')}) at {bindir}"

    def _cache(self, scope: Scope, inputs: dict[str, str], record: StepRun) -> None:
        _refuse_unknown(inputs, {"key", "path"}, "actions/cache with")
        job = scope.job
        key = inputs["key"]
        paths = [
            job.workspace / os.path.expanduser(p.strip())
            for p in inputs["path"].splitlines()
            if p.strip()
        ]
        slot = self.cache_dir / hashlib.sha256(key.encode()).hexdigest()
        hit = slot.is_dir()
        if hit:
            for index, path in enumerate(paths):
                if path.exists():
                    shutil.rmtree(path)
                shutil.copytree(slot / str(index), path, symlinks=True)

        def save() -> None:
            if slot.exists():
                return
            for index, path in enumerate(paths):
                if path.exists():
                    shutil.copytree(path, slot / str(index), symlinks=True)

        if not hit:
            job.post.append(("cache-save", save))
        record.outputs["cache-hit"] = "true" if hit else "false"
        record.outcome = "success"
        record.log = f"cache {'hit' if hit else 'miss'} for {key}"

    def _upload_artifact(self, scope: Scope, inputs: dict[str, str], record: StepRun) -> None:
        allowed = {"name", "path", "if-no-files-found", "retention-days", "include-hidden-files"}
        _refuse_unknown(inputs, allowed, "actions/upload-artifact with")
        job = scope.job
        lines = [line.strip() for line in inputs["path"].splitlines() if line.strip()]
        if any(ch in line for line in lines for ch in "*?[!"):
            raise UnsupportedWorkflow("actions/upload-artifact: wildcards are not implemented")
        name = inputs.get("name") or "artifact"
        store = job.artifacts / name
        record.outcome = "failure"
        if store.exists():  # v4: an artifact's name is unique in a run
            record.log = f"an artifact named {name!r} was already uploaded in this run"
            return
        existing = [job.workspace / line for line in lines if (job.workspace / line).exists()]
        hidden = inputs.get("include-hidden-files", "false") == "true"
        root, files = _artifact_files(existing, hidden) if existing else (job.workspace, [])
        if not files:
            mode = inputs.get("if-no-files-found", "warn")
            record.log = f"no files were found with the provided path: {inputs['path']}"
            record.outcome = "failure" if mode == "error" else "success"
            return
        for path in files:
            target = store / path.relative_to(root)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
        record.outputs["artifact-id"] = str(len(list(job.artifacts.iterdir())))
        record.outcome = "success"
        record.log = f"uploaded {len(files)} file(s) as artifact {name!r}"

    def _download_artifact(self, scope: Scope, inputs: dict[str, str], record: StepRun) -> None:
        _refuse_unknown(inputs, {"name", "path"}, "actions/download-artifact with")
        if not inputs.get("name"):
            raise UnsupportedWorkflow("actions/download-artifact without name: not implemented")
        job = scope.job
        store = job.artifacts / inputs["name"]
        dest = job.workspace / inputs.get("path", "")
        if not store.is_dir():
            record.outcome = "failure"
            record.log = (
                f"Unable to download artifact(s): Artifact not found for name: {inputs['name']}"
            )
            return
        shutil.copytree(store, dest, dirs_exist_ok=True)
        record.outputs["download-path"] = str(dest)
        record.outcome = "success"
        record.log = f"downloaded artifact {inputs['name']!r} into {dest}"


def _action_repo(uses: str) -> str:
    """``owner/name@ref`` of ``owner/name/path@ref``: the repository holding the action."""
    name, _, ref = uses.partition("@")
    return "/".join(name.split("/")[:2]) + "@" + ref


def grants_write(permissions: Any) -> bool:
    """Whether a ``permissions:`` value lets the GITHUB_TOKEN write anything."""
    if isinstance(permissions, str):
        if permissions not in ("read-all", "write-all"):
            raise UnsupportedWorkflow(f"permissions: {permissions!r} is not implemented")
        return permissions == "write-all"
    if not isinstance(permissions, dict):
        raise UnsupportedWorkflow(f"permissions: {permissions!r} is not implemented")
    return any(level == "write" for level in permissions.values())


def needs_of(job_id: str, spec: dict[str, Any]) -> list[str]:
    needs = spec.get("needs", [])
    return [needs] if isinstance(needs, str) else [str(n) for n in needs]


def job_order(jobs: dict[str, Any]) -> list[str]:
    """The jobs in an order where each comes after those it ``needs`` (GitHub runs
    independent jobs in parallel; here they run one after another). A ``needs`` naming an
    unknown job, or a cycle, is refused as GitHub refuses the workflow."""
    order: list[str] = []
    visiting: set[str] = set()

    def visit(job_id: str) -> None:
        if job_id in order:
            return
        if job_id in visiting:
            raise UnsupportedWorkflow(f"jobs.{job_id}: needs: forms a cycle")
        visiting.add(job_id)
        for needed in needs_of(job_id, jobs[job_id]):
            if needed not in jobs:
                raise UnsupportedWorkflow(f"jobs.{job_id}: needs unknown job {needed!r}")
            visit(needed)
        order.append(job_id)

    for job_id in jobs:
        visit(job_id)
    return order


def _artifact_files(paths: list[Path], hidden: bool) -> tuple[Path, list[Path]]:
    """What actions/upload-artifact v4 uploads for ``paths``: the files (a directory's
    files, hidden ones only when asked) and the root they are stored relative to (a single
    file's folder, a single directory itself, else the paths' least common ancestor)."""
    files: list[Path] = []
    for path in paths:
        if path.is_file():
            files.append(path)
            continue
        for inner in sorted(path.rglob("*")):
            parts = inner.relative_to(path).parts
            if inner.is_file() and (hidden or not any(p.startswith(".") for p in parts)):
                files.append(inner)
    folders = [p if p.is_dir() else p.parent for p in paths]
    return Path(os.path.commonpath(folders)), files


def _resolve_checkout_ref(dest: Path, ref: str) -> str:
    if re.fullmatch(r"[0-9a-f]{40}", ref):
        return ref
    for candidate in (
        ref.replace("refs/pull/", "refs/remotes/pull/", 1) if ref.startswith("refs/pull/") else "",
        "refs/remotes/origin/" + ref.removeprefix("refs/heads/"),
        ref if ref.startswith("refs/tags/") else f"refs/tags/{ref}",
    ):
        if candidate:
            proc = subprocess.run(
                ["git", "rev-parse", "--verify", "--quiet", f"{candidate}^{{commit}}"],
                cwd=dest,
                capture_output=True,
                text=True,
                check=False,
            )
            if proc.returncode == 0:
                return proc.stdout.strip()
    raise RuntimeError(f"actions/checkout: ref {ref!r} not found in the repository")


def _refuse_unknown(mapping: Mapping[Any, Any], allowed: set[Any], where: str) -> None:
    unknown = set(mapping) - allowed
    if unknown:
        raise UnsupportedWorkflow(f"{where}: {sorted(map(str, unknown))} not implemented")
