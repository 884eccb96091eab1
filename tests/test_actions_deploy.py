"""The deploy verifies a signed decision instead of trusting the gate job's word: the real
action.yml signs (its `signing-key` input from the MRM_GATE_SIGNING_KEY secret) and the
deploy job of examples/workflows/deploy-gate.yml runs `mrm-gate verify` (the verify
action) on the attestation, with the trust file of the merge commit's first parent,
through the tests' Actions runner and local GitHub server (tests/workflow_story.py).

(a) approved and signed: verified, Deploy runs; (b) the attestation's payload edited
between the jobs: refused, nothing deployed; (c) no signing key: no attestation, nothing
deployed; (d) the merged pull request adds the key that signed to the trust file: refused,
because the trust file is read from the base branch before the merge.
"""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from workflow_story import (
    AUTHOR,
    PR,
    REQUIRED_CHECKS,
    TRUST_FILE,
    JobRun,
    Story,
    WorkflowRun,
    approvals_needed,
    decision_of,
    gate_on_github,
    git,
    why,
)

sys.path.insert(0, str(Path(__file__).resolve().parent / "attest"))
from attest_support import KeyFiles, make_key  # noqa: E402

ATTESTATION = ("mrm-gate-attestation", "production.intoto.json")  # artifact name, file


def merged_and_approved(story: Story) -> dict[str, Any]:
    """The pull request opened, approved by everyone it waits for, merged: the decision
    of the last approval run (allowed)."""
    opened = decision_of(story.pull_request("opened"))
    _, runs = story.approve(opened["bundle_digest"], approvals_needed(opened))
    last = decision_of(runs[-1])
    assert last["allow"] is True, why(last)
    return last


def deploy_run(story: Story, merge_sha: str) -> tuple[WorkflowRun, JobRun, JobRun]:
    """The push of ``merge_sha`` to main: the run, its gate job (allowed) and deploy job."""
    gate = story.push_to_main(merge_sha, AUTHOR)
    assert decision_of(gate)["allow"] is True, gate.log
    run = story.last_run
    assert run is not None
    return run, gate, run.job("deploy")


def trust_text(*keys: KeyFiles) -> str:
    """A trust file naming ``keys``, each valid from 2026 through 2027 (NOW is in 2026)."""
    entries = [
        {
            "public_key": key.public_pem,
            "valid_from": "2026-01-01T00:00:00Z",
            "valid_until": "2027-12-31T00:00:00Z",
            "revoked": False,
        }
        for key in keys
    ]
    doc = {"apiVersion": "mrm-gate/trust/v1", "keys": entries, "revoked_attestations": []}
    return json.dumps(doc, indent=2) + "\n"


def edit_payload(job_id: str, artifacts: Path) -> None:
    """After the gate job: an approver's login in the attestation's payload rewritten, the
    signature left as it was."""
    if job_id != "gate":
        return
    path = artifacts.joinpath(*ATTESTATION)
    envelope = json.loads(path.read_text())
    statement = json.loads(base64.b64decode(envelope["payload"]))
    statement["predicate"]["mrmGate"]["approvals"][0]["login"] = "mallory"
    envelope["payload"] = base64.b64encode(json.dumps(statement).encode()).decode()
    path.write_text(json.dumps(envelope))


def test_a_signed_decision_is_verified_before_the_deploy_and_anything_less_deploys_nothing(
    tmp_path: Path, action_copy: Path
) -> None:
    key = make_key(tmp_path / "keys")
    pem = key.private.read_text()
    trust = trust_text(key)
    with gate_on_github(tmp_path / "gh", action_copy, signing_key=pem, trust=trust) as story:
        approved = merged_and_approved(story)
        merge_sha = story.merge()

        # (a) Signed by the gate job, verified by the deploy job: Deploy runs, naming the
        # evidence the verified attestation (not the gate job's output) names.
        run, gate, deploy = deploy_run(story, merge_sha)
        assert gate.step("Sign the decision").outcome == "success", gate.log
        assert deploy.step("Verify the signed decision").outcome == "success", deploy.log
        assert "mrm-gate verify: ALLOWED at production" in deploy.log
        assert deploy.step("Deploy").outcome == "success"
        assert approved["bundle_digest"] in deploy.step("Deploy").log
        # The key is in no log and no output of any job.
        secret_line = pem.splitlines()[1]
        for job in run.jobs.values():
            assert secret_line not in job.log + json.dumps(job.outputs)

        # (b) The payload edited between the jobs: the signature no longer matches.
        story.runner.after_job = edit_payload
        _, _, deploy = deploy_run(story, merge_sha)
        story.runner.after_job = None
        verify = deploy.step("Verify the signed decision")
        assert verify.outcome == "failure", deploy.log
        assert "the envelope was altered" in deploy.log
        assert deploy.step("Deploy").outcome == "skipped"

        # (c) No signing key: allowed, but nothing signed, so nothing to verify or deploy.
        del story.runner.secrets["MRM_GATE_SIGNING_KEY"]
        _, gate, deploy = deploy_run(story, merge_sha)
        assert gate.step("Sign the decision").outcome == "skipped"
        assert gate.step("mrm-gate").outputs["attestation"] == ""
        assert deploy.step("Download the attestation").outcome == "failure", deploy.log
        assert deploy.step("Deploy").outcome == "skipped"


def test_a_merged_change_cannot_trust_its_own_signing_key(
    tmp_path: Path, action_copy: Path
) -> None:
    # main trusts the bank's key; the secret holds another key, and the pull request adds
    # that key to the trust file.
    bank, other = make_key(tmp_path / "bank"), make_key(tmp_path / "other")
    base_trust = trust_text(bank)
    with gate_on_github(
        tmp_path / "gh", action_copy, signing_key=other.private.read_text(), trust=base_trust
    ) as story:
        repo = story.repo.path
        (repo / TRUST_FILE).write_text(trust_text(bank, other))
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", "trust the new release key")
        story.gh.push(PR, story.head(), AUTHOR)
        for name in REQUIRED_CHECKS:
            story.gh.add_check(story.head(), name)
        merged_and_approved(story)
        merge_sha = story.merge()

        run, gate, deploy = deploy_run(story, merge_sha)
        assert gate.step("Sign the decision").outcome == "success", gate.log
        verify = deploy.step("Verify the signed decision")
        assert verify.outcome == "failure", deploy.log
        assert "UNTRUSTED" in deploy.log
        assert deploy.step("Deploy").outcome == "skipped"

        # The merge commit's own trust file would have accepted it: reading the first
        # parent's is what refused it.
        workspace = Path(deploy.env["GITHUB_WORKSPACE"])
        attestation = Path(deploy.env["RUNNER_TEMP"], *ATTESTATION)
        own = tmp_path / "merged-trust.json"
        own.write_text(git(repo, "show", f"{merge_sha}:{TRUST_FILE}"))
        proc = subprocess.run(
            [
                str(Path(sys.executable).with_name("mrm-gate")),
                "verify",
                "--artifact",
                str(workspace / "examples/credit-scorecard/out/model.json"),
                "--attestation",
                str(attestation),
                "--key",
                str(own),
                "--stage",
                "production",
                "--now",
                str(story.runner.clock),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        assert proc.returncode == 0, proc.stdout + proc.stderr
