"""`make demo`: the credit-scorecard example end to end on the real pipeline, collected the
way CI collects it.

In a temporary git repository the example is a pull request: `main` holds one empty commit,
the branch `model-change` commits the code, then the trained model and its evidence. GitHub
is SIMULATED by the project's local test server (tests/github_server.py on 127.0.0.1, a fake
token): it holds that pull request and its commits, a protected `main` (two reviews, stale
reviews dismissed, administrators bound, required checks) and the successful required check
runs of the head commit. With GITHUB_* variables set as in a pull-request run, the demo
collects with `mrm-gate collect --github` (CI run, commits, authors, checks and branch
protection read from git, the environment and the API; nothing from developer files), then

* checks at merge: expected ALLOWED;
* reproduces the training byte for byte and checks at production: expected DENIED for
  approvals only: the human sign-offs, and the approval of each waiver the example requests
  (docs/waivers.yml) for the evidence a public data set without dates or live operations
  cannot give (NOT_IN_THE_DATA); until approved, those controls fail;
* posts the `/approve` comments on the simulated pull request and checks again with
  `--github`: expected ALLOWED, with NOT_IN_THE_DATA reported as `waived`.

The demo reads the clock once, at its start, and hands that instant to every step (git's
commit dates, the pipeline's stamps, collect, check, record, reproduce): it runs today. The
example's documents were written for a pull request opened on STORY_DAY (tests/examples/
stories.py); the demo lays them out moved by the days since then, so the story (a review ten
days old, waivers four months from expiry) is the same on any day, and it says so. The
platform evidence of other systems of record (ticket, access review, scans, runbook,
baseline configuration, release signing) comes from the example's `platform/` folder:
sample files, labelled as such, dated like the rest of the story. Everything kept is
written to out/demo/. The demo fails (exit 1) when a decision differs from what is expected.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "tests" / "examples")]

from clock import shifted  # noqa: E402
from example_repo import (  # noqa: E402
    BRANCH,
    FAKE_TOKEN,
    PR,
    REPOSITORIES,
    approve_by_comments,
    ci_env,
    seed_pull_request,
    start_repo,
    train_and_validate,
    waivers_needed,
)
from github_server import GitHubServer  # noqa: E402
from stories import STORY_DAY, shift_days  # noqa: E402

from gate.clock import parse_instant, system_now  # noqa: E402

EXAMPLE = "examples/credit-scorecard"
CONFIG = f"{EXAMPLE}/.mrm-gate.yml"
OUT = ROOT / "out" / "demo"
# The demo's one clock, read once: every step is stamped and evaluated at this instant.
NOW = system_now()

# What a demonstration on a public data set cannot show: an out-of-time window and a
# monitoring period (the data has no dates), live adverse-action operations. The example
# requests a waiver of each (docs/waivers.yml), to be approved like any sign-off.
NOT_IN_THE_DATA = {"SR117-VAL-05", "MON-PSI-01", "FL-AAN-02", "FL-AAN-03"}


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


def demo_signing_key(directory: Path) -> Path:
    """A key pair made now for this run only (a DEMO key, never a real one); every record
    of the demo's ledger is signed with it. Returns its trust file."""
    must(gate(ROOT, "keygen", "--output", str(directory), "--now", NOW))
    os.environ["MRM_GATE_SIGNING_KEY"] = str(directory / "signing-key.pem")
    return directory / "trust.json"


def attest_and_verify(
    repo: Path, ledger: Path, trust: Path, attestation: Path, bundle: Path
) -> list[str]:
    """Attest the last ledger record and verify the model artefact file against it."""
    index = str(len(ledger.read_text().splitlines()) - 1)
    artifact = repo / json.loads(bundle.read_text())["artifact"]["path"]
    steps = (
        ("ledger verify", ("ledger", "verify", "--ledger", str(ledger), "--key", str(trust))),
        ("attest", ("attest", "--ledger", str(ledger), "--index", index, "--key", str(trust),
                    "--output", str(attestation))),
        ("verify", ("verify", "--artifact", str(artifact), "--attestation", str(attestation),
                    "--key", str(trust), "--stage", "production", "--now", NOW)),
    )  # fmt: skip
    for label, args in steps:
        proc = gate(repo, *args)
        print((proc.stdout + proc.stderr).rstrip())
        if proc.returncode != 0:
            return [f"{label}: exit {proc.returncode}"]
    return []


def main() -> int:  # noqa: PLR0915 - a linear walk-through
    started = time.monotonic()
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    bundle, reproduced = OUT / "bundle.json", OUT / "bundle-reproduced.json"
    merge_json, prod_json = OUT / "merge-decision.json", OUT / "production-decision.json"
    approved_json = OUT / "production-decision-approved.json"
    ledger, docs = OUT / "ledger.jsonl", OUT / "docs"
    problems: list[str] = []
    owner, name, author = REPOSITORIES[EXAMPLE]
    trust = demo_signing_key(OUT / "demo-keys")

    with (
        tempfile.TemporaryDirectory(prefix="mrm-gate-demo-") as tmp,
        GitHubServer.running(
            owner=owner, repo=name, token=FAKE_TOKEN, start=parse_instant(shifted(NOW, minutes=-30))
        ) as github,
    ):
        repo = Path(tmp) / "repo"
        repo.mkdir()
        say(f"1. a fresh git repository: `main`, and branch {BRANCH} with {EXAMPLE}/")
        days = shift_days(NOW)
        start_repo(repo, EXAMPLE, NOW)
        print(f"   {repo}")
        print(
            f"   The demo runs at {NOW}. The example's documents are dated for a pull request\n"
            f"   opened on {STORY_DAY}; laid out here moved by {days} day(s), so the story's\n"
            "   intervals (review age, waiver expiry) hold today. Regulation dates do not move."
        )

        say("2. train on the German credit data, then the validator's independent check")
        print(f"$ python {EXAMPLE}/pipeline.py --now ...; python {EXAMPLE}/validation/validate.py")
        train_and_validate(repo, EXAMPLE, NOW)

        say("3. a simulated CI run of the pull request (GitHub is SIMULATED)")
        head = seed_pull_request(github, repo, author)
        env = ci_env(github, Path(tmp), head)
        print(
            f"   GitHub here is the project's local test server tests/github_server.py at\n"
            f"   {github.url} (127.0.0.1, fake token), not github.com. It holds pull request\n"
            f"   #{PR} of {owner}/{name} with the branch's commits by {author}, a protected\n"
            "   `main` (2 reviews, stale reviews dismissed, admins bound, required checks\n"
            "   unit-tests, data-contract, model-evaluation, mrm-gate) and successful runs of\n"
            f"   those checks on {head[:12]}. The job's environment: "
            + ", ".join(f"{k}" for k in sorted(env) if k.startswith("GITHUB_"))
            + "."
        )

        say("4. collect the evidence bundle as CI does, with --github, and validate it")
        proc = gate(
            repo,
            "collect",
            "--github",
            "--config",
            CONFIG,
            "--output",
            str(bundle),
            "--now",
            NOW,
            env=env,
        )
        print(must(proc).rstrip())
        print(must(gate(repo, "validate", "--bundle", str(bundle))).rstrip())
        collected = json.loads(bundle.read_text())
        change = collected["change"]
        print(
            f"   collected: CI run {change['ci_run_id']} on {change['ci_commit_sha'][:12]}, "
            f"authors {change['author_ids']}, first commit {change['first_commit_at']},\n"
            f"   required checks {[c['name'] for c in change['required_checks']]} "
            f"(tests_passed={change['tests_passed']}), branch protection "
            f"{collected['security']['branch_protection']}"
        )

        say(f"5. check at merge (decisions as of {NOW}, the demo's one clock)")
        proc = gate(repo, "check", "--bundle", str(bundle), "--stage", "merge", "--now", NOW)
        print(proc.stdout.rstrip())
        gate(repo, "check", "--bundle", str(bundle), "--stage", "merge", "--now", NOW,
             "--format", "json", "--output", str(merge_json))  # fmt: skip
        merge = json.loads(merge_json.read_text())
        if proc.returncode != 0 or not merge["allow"]:
            problems.append(f"merge: expected ALLOWED, got {sorted(failed(merge))}")
        else:
            print("   Merge is ALLOWED: every control that applies at merge passes.")

        say("6. reproduce the training byte for byte (GATE-REP-01 needs it for production)")
        proc = gate(
            repo, "reproduce", "--bundle", str(bundle), "--output", str(reproduced), "--now", NOW
        )
        print(must(proc).rstrip())

        say("7. check at production, recording the decision in the ledger")
        proc = gate(repo, "record", "--bundle", str(reproduced), "--stage", "production",
                    "--now", NOW, "--ledger", str(ledger), "--output", str(prod_json))  # fmt: skip
        if proc.returncode not in (0, 1):
            must(proc)
        prod = json.loads(prod_json.read_text())["decision"]
        waivers = waivers_needed(prod)
        missing = [
            a["role"]
            for a in prod["required_approvals"]
            if not a["satisfied"] and a["role"] not in waivers
        ]
        if prod["allow"] or not missing or {w.partition(":")[2] for w in waivers} != failed(prod):
            problems.append(
                f"production: expected DENIED for approvals only, got failures "
                f"{sorted(failed(prod))} with waivers pending for {waivers}"
            )
        digest = prod["bundle_digest"].removeprefix("sha256:")
        print("   Production is DENIED, for human sign-off only. Each approver, a member of the")
        print("   role's team who did not write the change, comments on the pull request:")
        for role in missing:
            print(f"     {role:<22} /approve {role} {digest}")
        print("   The example also asks (docs/waivers.yml) to waive the controls whose evidence a")
        print("   public data set without dates or live operations cannot give; each waiver")
        print("   counts only once the waiver team (roles: waiver in .mrm-gate.yml) approves it,")
        print("   until then its control fails:")
        for role in waivers:
            print(f"     {role:<22} /approve {role} {digest}")

        say("8. the approvers comment on the (simulated) pull request; check with --github")
        given = approve_by_comments(github, repo / CONFIG, prod["bundle_digest"], missing + waivers)
        for login, roles in given.items():
            print(f"   {login} commented on #{PR}: /approve {', '.join(roles)}")
        proc = gate(repo, "record", "--bundle", str(reproduced), "--stage", "production",
                    "--github", "--config", CONFIG, "--now", NOW, "--ledger", str(ledger),
                    "--output", str(approved_json), env=env)  # fmt: skip
        if proc.returncode not in (0, 1):
            must(proc)
        approved = json.loads(approved_json.read_text())["decision"]
        unsatisfied = [a["role"] for a in approved["required_approvals"] if not a["satisfied"]]
        verdict = "ALLOWED" if approved["allow"] else "DENIED"
        print(
            f"   Production is {verdict}: approvals satisfied "
            f"{len(approved['required_approvals']) - len(unsatisfied)} of "
            f"{len(approved['required_approvals'])}; waived, with their approved waivers: "
            + ", ".join(sorted(waived(approved)))
        )
        if not approved["allow"] or unsatisfied or waived(approved) != NOT_IN_THE_DATA:
            problems.append(
                f"approved production: expected ALLOWED with {sorted(NOT_IN_THE_DATA)} waived, "
                f"got unsatisfied {unsatisfied}, failures {sorted(failed(approved))}, waived "
                f"{sorted(waived(approved))}"
            )

        say("9. render the model documentation (HTML, PDF) and the monitoring report")
        proc = gate(repo, "docs", "--bundle", str(reproduced), "--decision", str(approved_json),
                    "--ledger", str(ledger), "--pdf", "--output", str(docs))  # fmt: skip
        print(proc.stdout.rstrip())
        if proc.returncode != 0:
            problems.append(f"docs: exit {proc.returncode}: {proc.stderr.strip()}")

        say("10. attest the allowed production decision; a deploy verifies the model file")
        attestation = OUT / "production.intoto.json"
        problems += attest_and_verify(repo, ledger, trust, attestation, reproduced)

    say("What this shows")
    print("   With the facts only CI and GitHub can give, collected by the gate itself, the")
    print("   model is allowed to merge; production waits for independent sign-off, given in")
    print("   the pull request and collected from GitHub. The evidence this public-data example")
    print("   cannot honestly give is not faked: it is waived, in the open, with a justification")
    print("   and an expiry, by an approver the gate collects; the decision lists it as waived.")
    print("   GitHub was simulated by the project's local test server; in a real workflow the")
    print("   same commands run with the job's GITHUB_* environment (docs/platform.md,")
    print("   docs/github.md).")
    say("Where things went")
    for label, path in (
        ("evidence bundle", bundle),
        ("bundle with the reproduction", reproduced),
        ("merge decision", merge_json),
        ("production decision record", prod_json),
        ("... after the approvals", approved_json),
        ("decision ledger", ledger),
        ("model documentation", docs),
        ("production attestation", OUT / "production.intoto.json"),
        ("DEMO signing key and trust", OUT / "demo-keys"),
    ):
        print(f"   {label:<30} {path.relative_to(ROOT)}")
    print(f"\n   demo finished in {time.monotonic() - started:.0f} s")
    for p in problems:
        print(f"demo: unexpected: {p}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
