"""`make demo`: the credit-scorecard example end to end, its pull request run through the real
Action and workflows the way GitHub runs them.

GitHub is SIMULATED, the Action is not: the project's local GitHub server
(tests/github_server.py on 127.0.0.1, fake tokens) holds the example's pull request, a
protected `main` and the required checks; the project's local Actions runner
(tests/actions_runner.py) runs `action.yml` and examples/workflows/pr-gate.yml and
deploy-gate.yml, step by step, each run with the event, payload, environment, token and
secrets GitHub gives it. The tests run the same story on the same runner and server
(tests/workflow_story.py, tests/test_actions_story.py). The story:

* the pull request is opened: its run is DENIED at production for approvals only: the
  human sign-offs, and the approval of each waiver the example requests (docs/waivers.yml)
  for the evidence a public data set without dates or live operations cannot give
  (NOT_IN_THE_DATA); the sticky comment lists the `/approve` commands;
* each approver comments `/approve`, and each comment starts a run of its own: the digest
  never moves, and the last run is ALLOWED;
* the pull request is merged; the push of the merge commit runs the deploy workflow: ALLOWED
  at production with the approvals of that pull request; the Action signs the decision (the
  MRM_GATE_SIGNING_KEY secret, a DEMO key), and the deploy job, which takes no gate job's
  word, deploys only after `mrm-gate verify` accepts the attestation for the model file
  under the trust file of `main` before the merge.

Then, on what the deploy run collected: validate the bundle, check it at merge, record the
production decision in a signed ledger, render the documentation pack, attest the decision
and verify the model file against the attestation.

Then the model registry (docs/registry.md), with a REAL MLflow tracking server
(tests/registry/mlflow_server.py: SQLite, 127.0.0.1, a free port, in the demo's workspace,
stopped when the demo ends, however it ends) and the route the registry tests take
(tests/registry/test_registry_flow.py): the example's pull request again, its training
logged to the server with the developer's identity; `collect` checks the registry links,
`reproduce`; before the sign-offs `check` denies and `promote` refuses; the approvers
comment; the production decision is recorded in the same ledger with its attestation and
`promote` (the gate's identity) points @production at the version; the example scoring
service scores five applicants and logs the decisions; `trace` of one of them is printed as
a summary and kept whole in out/demo/registry/ (trace.json, trace.md).

The demo reads the clock once, at its start: git's commit dates, the pipeline's stamps and
the runner machine's clock (each step runs under faketime from that instant on) follow it,
so it runs today. The example's documents were written for a pull request opened on
STORY_DAY (tests/examples/stories.py); the demo lays them out moved by the days since then,
so the story (a review ten days old, waivers four months from expiry) is the same on any
day, and it says so. Everything kept is written to out/demo/. The demo fails (exit 1) when a
decision differs from what is expected. Each step is a function in STEPS.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [
    str(ROOT / "tests"),
    str(ROOT / "tests" / "examples"),
    str(ROOT / "tests" / "registry"),
]

import requests  # noqa: E402
from actions_runner import JobRun, WorkflowRun  # noqa: E402
from clock import shifted  # noqa: E402
from example_repo import FAKE_TOKEN, approve_by_comments, ci_env, git, seed_pull_request, start_repo  # noqa: E402
from github_server import GitHubServer  # noqa: E402
from mlflow_server import DEVELOPER, GATE, MlflowServer, free_port  # noqa: E402
from stories import STORY_DAY, shift_days  # noqa: E402
from workflow_story import (  # noqa: E402
    AUTHOR,
    EXAMPLE,
    NAME,
    OWNER,
    PR,
    REQUIRED_CHECKS,
    Story,
    approvals_needed,
    copy_action,
    decision_file,
    decision_of,
    gate_on_github,
    why,
)

from gate.clock import parse_instant, system_now  # noqa: E402

OUT = ROOT / "out" / "demo"
# The demo's one clock, read once: every step is stamped and evaluated from this instant.
NOW = system_now()

# What a demonstration on a public data set cannot show: an out-of-time window and a
# monitoring period (the data has no dates), live adverse-action operations. The example
# requests a waiver of each (docs/waivers.yml), to be approved like any sign-off.
NOT_IN_THE_DATA = {"SR117-VAL-05", "MON-PSI-01", "FL-AAN-02", "FL-AAN-03"}
# What the opened pull request is denied for besides: the two independent approvals its
# branch protection asks for (SOC2-CM-04), which the sign-offs give.
OPENED_DENIED_FOR = NOT_IN_THE_DATA | {"SOC2-CM-04"}
# The kept file the later steps work on: the bundle the deploy run collected, with the
# reproduction its reproduce job made.
BUNDLE = "evidence bundle (deploy run)"
# The registry part's files, and the models on the MLflow server: the governed one (only
# the gate's identity may change it) and the developers' candidates.
REGISTRY_OUT = OUT / "registry"
MODEL = "german-credit-scorecard"
CONFIG = f"{EXAMPLE}/.mrm-gate.yml"


@dataclass
class Registry:
    """The registry part: a real MLflow server, the example's pull request whose training
    was logged to it (on a local GitHub of its own: the first one's pull request is merged),
    and what the later steps read from the earlier ones."""

    mlflow: MlflowServer
    repo: Path
    github: GitHubServer | None = None
    env: dict[str, str] = field(default_factory=dict)  # the CI run, the gate's MLflow identity
    denied: dict[str, Any] = field(default_factory=dict)  # the decision before the approvals
    promoted: dict[str, Any] = field(default_factory=dict)  # promote's outcome
    decisions: list[str] = field(default_factory=list)  # the scoring service's decision ids


@dataclass
class Demo:
    """What the steps share: the story on the local GitHub, what its runs decided, the
    files kept in out/demo (label -> path), what went unexpectedly, and the servers the
    steps start (``stack``: stopped when the demo ends, however it ends)."""

    story: Story
    work: Path
    stack: contextlib.ExitStack
    opened: dict[str, Any] = field(default_factory=dict)
    deploy: WorkflowRun | None = None
    deployed_at: str = ""  # the runner machine's clock at the deploy run
    deployed: dict[str, Any] = field(default_factory=dict)
    kept: dict[str, Path] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    registry: Registry | None = None

    @property
    def workspace(self) -> Path:
        """The deploy gate job's checkout: the merged commit."""
        assert self.deploy is not None, "the deploy step comes first"
        return Path(self.deploy.job("gate").env["GITHUB_WORKSPACE"])

    @property
    def reg(self) -> Registry:
        assert self.registry is not None, "the MLflow server step comes first"
        return self.registry

    def keep(self, label: str, source: Path, name: str) -> Path:
        target = OUT / name
        shutil.copy(source, target)
        self.kept[label] = target
        return target


def say(text: str) -> None:
    print(f"\n== {text}", flush=True)


def run(
    cmd: list[str], cwd: Path, *, show: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    print(f"$ {show or ' '.join(cmd)}", flush=True)
    full = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "MLFLOW_"))}
    full.update(env or {})
    return subprocess.run(cmd, cwd=cwd, text=True, capture_output=True, check=False, env=full)


def must(proc: subprocess.CompletedProcess[str]) -> str:
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout + proc.stderr)
        raise SystemExit(f"demo: step failed with exit code {proc.returncode}")
    return proc.stdout


def gate(
    repo: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return run(
        [sys.executable, "-m", "gate", *args], repo, show="mrm-gate " + " ".join(args), env=env
    )


def failed(decision: dict[str, Any]) -> set[str]:
    return {v["control_id"] for v in decision["violations"]}


def waived(decision: dict[str, Any]) -> set[str]:
    return {v["control_id"] for v in decision["waived"]}


def verdict(decision: dict[str, Any]) -> str:
    return "ALLOWED" if decision["allow"] else "DENIED"


def show_run(story: Story, gate_job: JobRun, *, steps: bool = False) -> dict[str, Any]:
    """Print what the last run of the local runner did (each job, with ``steps`` each step,
    a composite action's own steps indented); returns the gate job's decision."""
    run = story.runs[-1]
    env = run.env
    print(
        f"   run {env['GITHUB_RUN_ID']} of {env['GITHUB_WORKFLOW']!r}: {env['GITHUB_EVENT_NAME']}"
        f" by {env['GITHUB_ACTOR']}, GITHUB_SHA {env['GITHUB_SHA'][:12]},\n"
        f"     GITHUB_REF {env['GITHUB_REF']}"
    )
    for job_id, job in run.jobs.items():
        print(f"     job {job_id}: {job.conclusion}")
        for step in job.steps if steps else []:
            print(f"       {step.name[:58]}: {step.outcome}")
            for inner in step.steps:
                print(f"         {inner.name[:56]}: {inner.outcome}")
    decision = decision_of(gate_job)
    print(f"     {verdict(decision)}, bundle digest {decision['bundle_digest']}")
    return decision


def demo_signing_key(directory: Path) -> Path:
    """A key pair made now for this run only (a DEMO key, never a real one); every record
    of the demo's ledger is signed with it. Returns its trust file."""
    must(gate(ROOT, "keygen", "--output", str(directory), "--now", NOW))
    os.environ["MRM_GATE_SIGNING_KEY"] = str(directory / "signing-key.pem")
    return directory / "trust.json"


# ---- the steps


def the_repository(demo: Demo) -> None:
    repo = demo.story.repo
    print(f"   {repo.path}")
    print("   `main` holds the gate: .github/workflows/pr-gate.yml and deploy-gate.yml (from")
    print("   examples/workflows), .mrm-gate.yml with the roles, the policies. The branch")
    print(f"   model-change holds {EXAMPLE}/, its model trained on the German credit data")
    print("   and the validator's independent check, committed.")
    print(
        f"   The demo runs at {NOW}. The example's documents are dated for a pull\n"
        f"   request opened on {STORY_DAY}; laid out here moved by {shift_days(NOW)} day(s), so\n"
        "   the story's intervals (review age, waiver expiry) hold today. Regulation dates\n"
        "   do not move."
    )


def the_simulated_github(demo: Demo) -> None:
    story = demo.story
    print(
        f"   GitHub here is the project's local server tests/github_server.py at\n"
        f"   {story.gh.url} (fake tokens), not github.com. It holds pull request #{PR} of\n"
        f"   {OWNER}/{NAME} by {AUTHOR}, a protected `main` (2 reviews, stale reviews\n"
        f"   dismissed, admins bound, required checks {', '.join(REQUIRED_CHECKS)},\n"
        f"   mrm-gate) and passed runs of those checks on {story.head()[:12]}."
    )
    print(
        "   The workflows run on the project's local Actions runner tests/actions_runner.py:\n"
        "   the real action.yml (uses: acme-bank/mrm-gate@v1 is this checkout's copy) and the\n"
        "   workflows, every job and step, with GitHub's event payload and GITHUB_*\n"
        "   environment: the reproduce job re-runs the pull request's training with a\n"
        "   read-only token and no secret; the gate job gets the workflow GITHUB_TOKEN and the\n"
        "   MRM_GATE_MEMBERSHIP_TOKEN secret (an App token that may read branch protection\n"
        "   and team membership). The tests run the same."
    )


def pull_request_opened(demo: Demo) -> None:
    job = demo.story.pull_request("opened")
    demo.opened = decision = show_run(demo.story, job, steps=True)
    demo.keep("decision when opened", decision_file(job), "opened.json")
    waivers = {role.partition(":")[2] for role in approvals_needed(decision) if ":" in role}
    if decision["allow"] or waivers != NOT_IN_THE_DATA or failed(decision) != OPENED_DENIED_FOR:
        demo.problems.append(f"opened: expected DENIED for approvals only, got {why(decision)}")
    print("   DENIED for sign-off only. The sticky comment on the pull request lists, for each")
    print("   role, the command a member of its team who did not write the change comments;")
    print("   the waivers (docs/waivers.yml) count once the waiver team approves them:")
    for role in approvals_needed(decision):
        print(f"     /approve {role} {decision['bundle_digest'].removeprefix('sha256:')}")


def approvers_comment(demo: Demo) -> None:
    """One approver at a time: each comment, then the run it starts (the waiver team's
    approver gives every waiver in one comment)."""
    story, digest = demo.story, demo.opened["bundle_digest"]
    needed = approvals_needed(demo.opened)
    waivers = [role for role in needed if role.startswith("waiver:")]
    decision = demo.opened
    for roles in [*([role] for role in needed if role not in waivers), waivers]:
        given, [job] = story.approve(digest, roles)
        [(login, _)] = given.items()
        print(f"   {login} comments /approve {', '.join(roles)}; the comment starts:")
        decision = show_run(story, job)
        if decision["bundle_digest"] != digest:
            demo.problems.append(f"approvals: the digest moved to {decision['bundle_digest']}")
        if not decision["allow"]:
            print(f"     still waiting for: {', '.join(approvals_needed(decision))}")
    if not decision["allow"]:
        demo.problems.append(f"approvals: expected ALLOWED at last, got {why(decision)}")
    else:
        print("   The same digest in every run, whoever triggered it; the last run is ALLOWED.")


def merged_and_deployed(demo: Demo) -> None:
    story = demo.story
    merge = story.merge()
    print(f"   #{PR} merged into main as {merge[:12]}; the push runs deploy-gate.yml:")
    job = story.push_to_main(merge, AUTHOR)
    demo.deploy, demo.deployed_at = story.runs[-1], str(story.runner.clock)
    demo.deployed = decision = show_run(story, job, steps=True)
    demo.keep("production decision (deploy run)", decision_file(job), "production-decision.json")
    demo.keep(BUNDLE, demo.workspace / "evidence" / "bundle.json",
              "bundle.json")  # fmt: skip
    deployer = demo.deploy.job("deploy")
    print("   deploy job (no token, no secret): verify/action.yml on the downloaded attestation")
    [verified] = (s for s in deployer.step("Verify the signed decision").steps
                  if s.name == "Verify the attestation")  # fmt: skip
    for line in verified.log.strip().splitlines()[:7]:  # the verdict, not every approver
        print(f"     {line}")
    print(f"   Deploy: {deployer.step('Deploy').log.strip()}")
    if deployer.step("Deploy").outcome != "success":
        demo.problems.append(f"deploy: the deploy job did not deploy:\n{deployer.log}")
    expected = decision["allow"] and decision["bundle_digest"] == demo.opened["bundle_digest"]
    if not expected or waived(decision) != NOT_IN_THE_DATA or approvals_needed(decision):
        demo.problems.append(
            f"deploy: expected ALLOWED on the approved digest with {sorted(NOT_IN_THE_DATA)} "
            f"waived, got {why(decision)}; waived {sorted(waived(decision))}"
        )
    else:
        print("   ALLOWED at production with the approvals of the merged pull request, bound to")
        print("   the digest they signed; waived, with approved waivers: " + ", ".join(
            sorted(waived(decision))))  # fmt: skip


def validate_and_check_at_merge(demo: Demo) -> None:
    bundle = demo.kept[BUNDLE]
    print(must(gate(demo.workspace, "validate", "--bundle", str(bundle))).rstrip())
    print("   (validate binds the digest to the commit the bundle was collected at, here the")
    print("   merge commit; the decisions bind it to the pull request's head, which the")
    print(f"   approvers signed: {demo.deployed['bundle_digest']})")
    merge_json = OUT / "merge-decision.json"
    proc = gate(demo.workspace, "check", "--bundle", str(bundle), "--stage", "merge", "--now", NOW,
                "--format", "json", "--output", str(merge_json))  # fmt: skip
    merge = json.loads(merge_json.read_text())
    demo.kept["merge decision"] = merge_json
    if proc.returncode != 0 or not merge["allow"]:
        demo.problems.append(f"merge: expected ALLOWED, got {sorted(failed(merge))}")
    else:
        print("   Merge is ALLOWED: every control that applies at merge passes.")


def record_in_the_ledger(demo: Demo) -> None:
    """What a deploy pipeline records: the production decision evaluated again in the
    deploy run's checkout and environment, approvals collected again from GitHub."""
    assert demo.deploy is not None
    token = demo.story.runner.secrets["MRM_GATE_MEMBERSHIP_TOKEN"]
    env = {**demo.deploy.env, "GITHUB_WORKSPACE": str(demo.workspace), "GITHUB_TOKEN": token,
           "MRM_GATE_GITHUB_PACING": "0"}  # fmt: skip
    ledger, record = OUT / "ledger.jsonl", OUT / "production-record.json"
    bundle = str(demo.kept[BUNDLE])
    proc = gate(demo.workspace, "record", "--bundle", bundle,
                "--stage", "production", "--github", "--config", ".mrm-gate.yml", "--now",
                demo.deployed_at, "--ledger", str(ledger), "--output", str(record),
                env=env)  # fmt: skip
    print((proc.stdout + proc.stderr).rstrip())
    demo.kept.update({"decision ledger": ledger, "production decision record": record})
    recorded = json.loads(record.read_text())["decision"] if record.exists() else {}
    same = recorded.get("bundle_digest") == demo.deployed["bundle_digest"]
    if proc.returncode != 0 or not recorded.get("allow") or not same:
        demo.problems.append(f"record: expected ALLOWED as deployed, exit {proc.returncode}")


def documentation_pack(demo: Demo) -> None:
    docs, kept = OUT / "docs", {k: str(v) for k, v in demo.kept.items()}
    proc = gate(demo.workspace, "docs", "--bundle", kept[BUNDLE],
                "--decision", kept["production decision record"],
                "--ledger", kept["decision ledger"], "--pdf", "--output", str(docs))  # fmt: skip
    print(proc.stdout.rstrip())
    demo.kept["model documentation"] = docs
    if proc.returncode != 0:
        demo.problems.append(f"docs: exit {proc.returncode}: {proc.stderr.strip()}")


def attest_and_verify(demo: Demo) -> None:
    """Attest the last ledger record and verify the model artefact file against it."""
    ledger, trust = demo.kept["decision ledger"], demo.kept["DEMO signing key and trust"]
    attestation = OUT / "production.intoto.json"
    demo.kept["production attestation"] = attestation
    index = str(len(ledger.read_text().splitlines()) - 1)
    bundle = json.loads(demo.kept[BUNDLE].read_text())
    artifact = demo.workspace / bundle["artifact"]["path"]
    key = str(trust / "trust.json")
    steps = (
        ("ledger verify", ("ledger", "verify", "--ledger", str(ledger), "--key", key)),
        ("attest", ("attest", "--ledger", str(ledger), "--index", index, "--key", key,
                    "--output", str(attestation))),
        ("verify", ("verify", "--artifact", str(artifact), "--attestation", str(attestation),
                    "--key", key, "--stage", "production", "--now", NOW)),
    )  # fmt: skip
    for label, args in steps:
        proc = gate(demo.workspace, *args)
        print((proc.stdout + proc.stderr).rstrip())
        if proc.returncode != 0:
            demo.problems.append(f"{label}: exit {proc.returncode}")
            return


# ---- the registry: a real MLflow server, a promotion, a production decision traced


def a_real_mlflow_server(demo: Demo) -> None:
    """The platform team's tracking server and its one set-up step (docs/registry.md),
    here a process of this run, on a free port, its stores in the demo's workspace."""
    server = MlflowServer(demo.work / "mlflow", free_port())
    demo.stack.callback(server.stop)  # registered first: stopped even if starting fails
    try:
        server.start()
        # Created with the gate's identity: MLflow gives its creator MANAGE, others READ.
        reply = requests.post(f"{server.uri}/api/2.0/mlflow/registered-models/create",
                              json={"name": MODEL}, auth=GATE, timeout=30)  # fmt: skip
    except (RuntimeError, AssertionError, requests.RequestException) as exc:
        raise SystemExit(f"demo: the MLflow server did not start: {exc}") from None
    if reply.status_code != 200:
        raise SystemExit(f"demo: the MLflow server refused to create {MODEL} for the gate: "
                         f"HTTP {reply.status_code} {reply.text[:300]}")  # fmt: skip
    demo.registry = Registry(server, demo.work / "registry-repo")
    REGISTRY_OUT.mkdir(parents=True, exist_ok=True)
    print(
        f"   MLflow {metadata.version('mlflow')} tracking server and model registry at\n"
        f"   {server.uri} (tests/registry/mlflow_server.py, as the registry tests): SQLite\n"
        "   stores and artefacts in the demo's workspace, its basic-auth app, default\n"
        f"   permission READ. Identities: {GATE[0]} (the gate), {DEVELOPER[0]} (the developer).\n"
        f"   Set-up by the platform team: {MODEL} created with the gate's identity, so\n"
        "   only the gate may add versions, tags and aliases to it."
    )


def training_logged_to_mlflow(demo: Demo) -> None:
    """The example's pull request again, its config naming the registry reference and its
    training logged to the server with the developer's identity."""
    reg = demo.reg
    reg.repo.mkdir()
    start_repo(reg.repo, EXAMPLE, NOW)
    with (reg.repo / CONFIG).open("a") as fh:
        fh.write(f"mlflow_registry: {EXAMPLE}/out/mlflow.json\n")
    git(reg.repo, "commit", "-qam", "log training to MLflow", at=shifted(NOW, hours=-2.5))
    pipeline = [f"{EXAMPLE}/pipeline.py", "--now", shifted(NOW, hours=-2), "--mlflow-uri",
                reg.mlflow.uri]  # fmt: skip
    proc = run(
        [sys.executable, *pipeline],
        reg.repo,
        env=reg.mlflow.env_for(DEVELOPER),
        show=f"MLFLOW_TRACKING_USERNAME={DEVELOPER[0]} python " + " ".join(pipeline),
    )
    print(must(proc).rstrip())
    validate = f"{EXAMPLE}/validation/validate.py"
    print(must(run([sys.executable, validate], reg.repo, show=f"python {validate}")).rstrip())
    git(reg.repo, "add", "-A")
    git(reg.repo, "commit", "-qm", "trained model and evidence", at=shifted(NOW, hours=-1))
    # A local GitHub of its own: the story's pull request #1 is merged already.
    start = parse_instant(shifted(NOW, minutes=-30))
    reg.github = demo.stack.enter_context(
        GitHubServer.running(owner=OWNER, repo=NAME, token=FAKE_TOKEN, start=start)
    )
    head = seed_pull_request(reg.github, reg.repo, AUTHOR)
    (demo.work / "registry-ci").mkdir()
    reg.env = {**ci_env(reg.github, demo.work / "registry-ci", head),
               **reg.mlflow.env_for(GATE)}  # fmt: skip
    print(f"   committed as {head[:12]}: pull request #{PR} of {OWNER}/{NAME} on a second local")
    print(f"   GitHub server ({reg.github.url}), its required checks passed")


def collected_and_reproduced(demo: Demo) -> None:
    """collect (in the CI run, with the gate's MLflow identity) checks every link between
    the evidence and the registry; reproduce re-runs the training."""
    reg = demo.reg
    bundle, reproduced = REGISTRY_OUT / "bundle.json", REGISTRY_OUT / "reproduced.json"
    print("   (the environment of a pull_request run of CI, and MLFLOW_TRACKING_URI with the")
    print(f"   gate's identity {GATE[0]}; its password never printed)")
    proc = gate(reg.repo, "collect", "--repo", str(reg.repo), "--config", str(reg.repo / CONFIG),
                "--output", str(bundle), "--now", NOW, "--github", env=reg.env)  # fmt: skip
    must(proc)
    facts = json.loads(bundle.read_text())["collected"]["mlflow"]
    print(f"   collected.mlflow: run {facts['run_id']} from commit {facts['run_commit'][:12]};")
    print(f"     models:/{facts['registered_model']}/{facts['model_version']} registered from "
          "that run, its files hash to the gated artefact;")  # fmt: skip
    for data in facts["datasets"]:
        print(f"     dataset input {data['path']} md5 {data['digest']}, as in the checkout")
    proc = gate(reg.repo, "reproduce", "--bundle", str(bundle), "--repo", str(reg.repo),
                "--output", str(reproduced))  # fmt: skip
    print(must(proc).rstrip() or proc.stderr.rstrip())
    demo.kept.update({"registry: evidence bundle": bundle, "registry: reproduced": reproduced})


def registry_gate_denied(demo: Demo) -> None:
    """Before the sign-offs: check is denied for the approvals only, and promote refuses,
    leaving the registry as it was."""
    reg = demo.reg
    reproduced, denied = REGISTRY_OUT / "reproduced.json", REGISTRY_OUT / "denied.json"
    github = ("--github", "--config", str(reg.repo / CONFIG))
    proc = gate(reg.repo, "check", "--bundle", str(reproduced), "--stage", "production",
                *github, "--format", "json", "--output", str(denied), "--now", NOW,
                env=reg.env)  # fmt: skip
    if not denied.exists():
        must(proc)  # no decision written: says why, and stops here
    reg.denied = decision = json.loads(denied.read_text())
    demo.kept["registry: decision before approvals"] = denied
    waivers = {role.partition(":")[2] for role in approvals_needed(decision) if ":" in role}
    if decision["allow"] or waivers != NOT_IN_THE_DATA or failed(decision) != OPENED_DENIED_FOR:
        demo.problems.append(f"registry: expected DENIED for approvals only, got {why(decision)}")
    print(f"   {verdict(decision)} at production, bundle digest {decision['bundle_digest']};")
    print(f"   waiting for: {', '.join(approvals_needed(decision))}")
    proc = gate(reg.repo, "promote", "--bundle", str(reproduced), "--stage", "production",
                *github, "--now", NOW, env=reg.env)  # fmt: skip
    print(proc.stderr.rstrip())
    if proc.returncode != 1 or "the registry was not changed" not in proc.stderr:
        demo.problems.append(f"registry: promote before the approvals: exit {proc.returncode}")


def approved_recorded_promoted(demo: Demo) -> None:
    """The approvers comment; the production decision is recorded in the signed ledger
    with its attestation, and promote (the gate's identity) moves @production."""
    reg = demo.reg
    assert reg.github is not None
    digest = reg.denied["bundle_digest"]
    config, reproduced = reg.repo / CONFIG, str(REGISTRY_OUT / "reproduced.json")
    given = approve_by_comments(reg.github, config, digest, approvals_needed(reg.denied))
    for login, roles in given.items():
        print(f"   {login} comments /approve {', '.join(roles)} {digest[7:19]}...")
    github = ("--github", "--config", str(config))
    record, attestation = (
        REGISTRY_OUT / "production-record.json",
        REGISTRY_OUT / "production.intoto.json",
    )
    promotion = REGISTRY_OUT / "promotion.json"
    proc = gate(reg.repo, "record", "--bundle", reproduced, "--stage", "production", *github,
                "--now", NOW, "--ledger", str(OUT / "ledger.jsonl"), "--output", str(record),
                "--attestation", str(attestation), env=reg.env)  # fmt: skip
    must(proc)
    print(proc.stderr.rstrip())
    proc = gate(reg.repo, "promote", "--bundle", reproduced, "--stage", "production", *github,
                "--attestation", str(attestation), "--output", str(promotion), "--now", NOW,
                env=reg.env)  # fmt: skip
    must(proc)
    print(proc.stderr.rstrip())
    reg.promoted = json.loads(promotion.read_text())
    demo.kept.update({"registry: production record": record,
                      "registry: production attestation": attestation,
                      "registry: promotion (compliance record)": promotion})  # fmt: skip


def production_decisions(demo: Demo) -> None:
    """The example scoring service serves @production and logs each decision."""
    reg = demo.reg
    apps, log = REGISTRY_OUT / "applications.csv", REGISTRY_OUT / "decisions"
    holdout = (reg.repo / EXAMPLE / "out" / "holdout.csv").read_text().splitlines()
    apps.write_text("\n".join(holdout[:6]) + "\n")  # the header and five applicants
    service = ["examples/scoring-service/service.py", "--applications", str(apps.relative_to(ROOT)),
               "--log", str(log.relative_to(ROOT)), "--now", shifted(NOW, minutes=1)]  # fmt: skip
    proc = run([sys.executable, *service], ROOT, env=reg.mlflow.env_for(DEVELOPER),
               show="python " + " ".join(service))  # fmt: skip
    reg.decisions = must(proc).split()
    print("   decisions logged: " + ", ".join(reg.decisions))
    demo.kept["registry: production decision log"] = log
    if len(reg.decisions) != 5:
        raise SystemExit(f"demo: expected 5 logged decisions, the service printed {proc.stdout!r}")


def trace_a_decision(demo: Demo) -> None:
    """trace (any identity that may read the registry) of one logged decision: the whole
    record kept as JSON and Markdown, a summary printed, and its links checked."""
    reg = demo.reg
    chosen, log = reg.decisions[2], str(REGISTRY_OUT / "decisions")
    traced_json, traced_md = REGISTRY_OUT / "trace.json", REGISTRY_OUT / "trace.md"
    for fmt, path in (("json", traced_json), ("markdown", traced_md)):
        must(gate(ROOT, "trace", chosen, "--log", log, "--format", fmt, "--output", str(path),
                  env=reg.mlflow.env_for(DEVELOPER)))  # fmt: skip
    demo.kept.update(
        {"registry: trace (JSON)": traced_json, "registry: trace (Markdown)": traced_md}
    )
    traced = json.loads(traced_json.read_text())
    show_trace(traced)
    demo.problems.extend(trace_problems(demo, traced, chosen))


def show_trace(t: dict[str, Any]) -> None:
    d, mv, run_, reg = t["decision"], t["model_version"], t["training_run"], t["registry_record"]
    approvals = "; ".join(f"{a['role']}: {', '.join(a['logins'])}" for a in t["approvals"])
    rows = [
        ("decision", f"{d['decision_id']} at {d['decided_at']}: {d['decision']}, score "
                     f"{d['score']:.4f}"),
        ("made by", f"{mv['name']} version {mv['version']} (@{', @'.join(mv['aliases'])}), "
                    f"from {mv['candidate']}"),
        ("artefact", mv["artifact_digest"]),
        ("training run", f"{run_['run_id']}, logged from commit {run_['commit'][:12]}"),
        ("gated commit", t["code_commit"]),
        *(("data snapshot", f"{s['path']} sha256 {s['sha256'][:16]}...")
          for s in t["data_snapshots"]),
        ("approvals", approvals),
        ("gate decision", f"{reg['decision_id']} at {reg['decided_at']}"),
        ("  evidence", reg["evidence_digest"]),
        ("attestation", reg.get("attestation_digest", "none")),
        ("reproduction", "verified byte for byte" if t["reproduction"]["verified"]
                         else "NOT verified"),
    ]  # fmt: skip
    for label, value in rows:
        print(f"   {label:<14} {value}")


def trace_problems(demo: Demo, t: dict[str, Any], chosen: str) -> list[str]:
    """What the trace must say, from what the demo itself saw: the decision it logged, the
    version promote reported, the digest approved, the attestation file, the bundle."""
    reg = demo.reg
    bundle = json.loads((REGISTRY_OUT / "reproduced.json").read_text())
    attestation = demo.kept["registry: production attestation"].read_bytes()
    expected = {
        "decision id": (t["decision"]["decision_id"], chosen),
        "model version": ((t["model_version"]["name"], t["model_version"]["version"]),
                          (MODEL, reg.promoted["version"])),
        "alias": ("production" in t["model_version"]["aliases"], True),
        "approved digest": (t["registry_record"]["evidence_digest"], reg.denied["bundle_digest"]),
        "attestation": (t["registry_record"].get("attestation_digest"),
                        "sha256:" + hashlib.sha256(attestation).hexdigest()),
        "run": (t["training_run"]["run_id"], bundle["collected"]["mlflow"]["run_id"]),
        "commit": (t["code_commit"], bundle["reproducibility"]["git_commit"]),
        "reproduction": (t["reproduction"]["verified"], True),
    }  # fmt: skip
    return [f"trace: {name}: {got!r}, expected {want!r}"
            for name, (got, want) in expected.items() if got != want]  # fmt: skip


STEPS: list[tuple[str, Callable[[Demo], None]]] = [
    ("a fresh git repository: the example as a pull request against a gated `main`",
     the_repository),
    ("GitHub SIMULATED by the local server; the Action run by the local Actions runner",
     the_simulated_github),
    ("the pull request is opened: pr-gate.yml runs the Action", pull_request_opened),
    ("each approver comments /approve, each comment a run of its own", approvers_comment),
    ("merged: the push of the merge commit runs deploy-gate.yml", merged_and_deployed),
    ("the deploy run's bundle: validate it, check it at merge", validate_and_check_at_merge),
    ("record the production decision in the signed ledger", record_in_the_ledger),
    ("render the model documentation (HTML, PDF) and the monitoring report",
     documentation_pack),
    ("attest the allowed production decision; a deploy verifies the model file",
     attest_and_verify),
    ("a real MLflow tracking server, the model registry", a_real_mlflow_server),
    ("the example trained again, its run logged to MLflow, as a pull request",
     training_logged_to_mlflow),
    ("collect checks the registry links; reproduce", collected_and_reproduced),
    ("before the sign-offs: the gate denies, promote refuses", registry_gate_denied),
    ("approved: recorded and attested, then promoted to @production",
     approved_recorded_promoted),
    ("the scoring service serves @production and logs its decisions", production_decisions),
    ("trace one credit decision to everything behind it", trace_a_decision),
]  # fmt: skip


def conclude(demo: Demo, started: float) -> None:
    say("What this shows")
    print("   The real Action and workflows, run as GitHub runs them, collect every fact from")
    print("   git, CI and GitHub themselves: the pull request is denied until independent")
    print("   sign-off is given in it, every approval is bound to one digest whichever run")
    print("   reads it, and the merged commit deploys with those approvals. The evidence this")
    print("   public-data example cannot honestly give is not faked: it is waived, in the open,")
    print("   with a justification and an expiry, by an approver the gate collects. GitHub was")
    print("   the project's local server and the runner the project's local runner; on GitHub")
    print("   the same files run unchanged (docs/github.md, docs/platform.md).")
    print("   The registry is the record of the model in production: a real MLflow server holds")
    print("   the training run; collect checks that run, its registered files and its data")
    print("   against the evidence; only the gate's identity, and only after the approvals,")
    print("   moves @production; and a credit decision the service made is traced back to the")
    print("   version, run, commit, data, approvals, gate decision and attestation behind it")
    print("   (docs/registry.md).")
    say("Where things went")
    for label, path in demo.kept.items():
        print(f"   {label:<40} {path.relative_to(ROOT)}")
    print(f"\n   demo finished in {time.monotonic() - started:.0f} s")


def describe(exc: Exception) -> str:
    """An unexpected failure in one line or a few, for a person: a failed command with its
    exit code and the end of what it said, anything else by its type and message."""
    if isinstance(exc, subprocess.CalledProcessError):
        cmd = " ".join(map(str, exc.cmd)) if isinstance(exc.cmd, list) else str(exc.cmd)
        said = exc.stderr or exc.output or ""
        said = said.decode(errors="replace") if isinstance(said, bytes) else said
        tail = "\n".join(said.strip().splitlines()[-15:])
        return f"`{cmd}` exited with {exc.returncode}" + (f":\n{tail}" if tail else "")
    return f"{type(exc).__name__}: {exc}"


def run_steps(work: Path, trust: Path) -> Demo:
    """The set-up, then every step in order; the servers stop when this returns or fails."""
    say("0. set up: the example's repository, trained and validated; the local GitHub")
    action = copy_action(work / "action" / "mrm-gate")
    start = parse_instant(shifted(NOW, minutes=-30))
    # The deploy workflow signs with the demo key and its deploy job trusts it.
    signing = {"signing_key": (trust.parent / "signing-key.pem").read_text("ascii"),
               "trust": trust.read_text("utf-8")}  # fmt: skip
    with (
        gate_on_github(work / "github", action, now=NOW, start=start, **signing) as story,
        contextlib.ExitStack() as stack,
    ):
        demo = Demo(story, work, stack, kept={"DEMO signing key and trust": trust.parent})
        for number, (title, step) in enumerate(STEPS, 1):
            say(f"{number}. {title}")
            try:
                step(demo)
            except Exception as exc:  # a message, never a traceback
                raise SystemExit(f"demo: step {number} ({title}) failed: {describe(exc)}") from None
    return demo


def main() -> int:
    started = time.monotonic()
    try:
        if OUT.exists():
            shutil.rmtree(OUT)
        OUT.mkdir(parents=True)
        trust = demo_signing_key(OUT / "demo-keys")
        with tempfile.TemporaryDirectory(prefix="mrm-gate-demo-") as tmp:
            demo = run_steps(Path(tmp), trust)
    except Exception as exc:  # said as plainly as a step's
        raise SystemExit(f"demo: set-up failed: {describe(exc)}") from None
    conclude(demo, started)
    for p in demo.problems:
        print(f"demo: unexpected: {p}", file=sys.stderr)
    return 1 if demo.problems else 0


if __name__ == "__main__":
    sys.exit(main())
