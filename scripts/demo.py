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

The demo reads the clock once, at its start: git's commit dates, the pipeline's stamps and
the runner machine's clock (each step runs under faketime from that instant on) follow it,
so it runs today. The example's documents were written for a pull request opened on
STORY_DAY (tests/examples/stories.py); the demo lays them out moved by the days since then,
so the story (a review ten days old, waivers four months from expiry) is the same on any
day, and it says so. Everything kept is written to out/demo/. The demo fails (exit 1) when a
decision differs from what is expected. Each step is a function in STEPS.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "tests" / "examples")]

from actions_runner import JobRun, WorkflowRun  # noqa: E402
from clock import shifted  # noqa: E402
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


@dataclass
class Demo:
    """What the steps share: the story on the local GitHub, what its runs decided, the
    files kept in out/demo (label -> path) and what went unexpectedly."""

    story: Story
    work: Path
    opened: dict[str, Any] = field(default_factory=dict)
    deploy: WorkflowRun | None = None
    deployed_at: str = ""  # the runner machine's clock at the deploy run
    deployed: dict[str, Any] = field(default_factory=dict)
    kept: dict[str, Path] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def workspace(self) -> Path:
        """The deploy gate job's checkout: the merged commit."""
        assert self.deploy is not None, "the deploy step comes first"
        return Path(self.deploy.job("gate").env["GITHUB_WORKSPACE"])

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
    full = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
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
    say("Where things went")
    for label, path in demo.kept.items():
        print(f"   {label:<34} {path.relative_to(ROOT)}")
    print(f"\n   demo finished in {time.monotonic() - started:.0f} s")


def main() -> int:
    started = time.monotonic()
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    trust = demo_signing_key(OUT / "demo-keys")
    with tempfile.TemporaryDirectory(prefix="mrm-gate-demo-") as tmp:
        work = Path(tmp)
        say("0. set up: the example's repository, trained and validated; the local GitHub")
        action = copy_action(work / "action" / "mrm-gate")
        start = parse_instant(shifted(NOW, minutes=-30))
        # The deploy workflow signs with the demo key and its deploy job trusts it.
        signing = {"signing_key": (trust.parent / "signing-key.pem").read_text("ascii"),
                   "trust": trust.read_text("utf-8")}  # fmt: skip
        with gate_on_github(work / "github", action, now=NOW, start=start, **signing) as story:
            demo = Demo(story, work, kept={"DEMO signing key and trust": trust.parent})
            for number, (title, step) in enumerate(STEPS, 1):
                say(f"{number}. {title}")
                step(demo)
    conclude(demo, started)
    for p in demo.problems:
        print(f"demo: unexpected: {p}", file=sys.stderr)
    return 1 if demo.problems else 0


if __name__ == "__main__":
    sys.exit(main())
