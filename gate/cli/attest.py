"""Attestation commands: keygen (a local key pair) and verify (a decision attestation)."""

from __future__ import annotations

import datetime as _dt
import json
from pathlib import Path
from typing import Any

import click

from gate.cli.options import stage_option
from gate.clock import now_option, resolve_now
from gate.errors import UsageError


def _artifact_digest(artifact: Path | None, digest: str | None) -> str:
    import re

    if (artifact is None) == (digest is None):
        raise UsageError("pass exactly one of --artifact FILE or --digest sha256:<hex>")
    if digest is not None:
        if not re.fullmatch(r"sha256:[0-9a-f]{64}", digest):
            raise UsageError(f"--digest {digest!r} is not sha256:<64 lowercase hex digits>")
        return digest
    assert artifact is not None
    if not artifact.is_file():
        raise UsageError(
            f"--artifact {artifact} is not a file",
            hint="pass the model artefact file the bundle's artifact.digest was taken of",
        )
    from gate.collect.hashing import sha256_file

    return "sha256:" + sha256_file(artifact, label=str(artifact))[0]


def _echo_verdict(verdict: Any, artifact_digest: str, trust_source: str) -> None:
    from gate.attest.verify import describe_approval

    claim = verdict.claim
    click.echo(f"mrm-gate verify: ALLOWED at {claim.stage}")
    click.echo(f"  artefact        {artifact_digest}")
    click.echo(f"  model           {claim.model.get('id')} {claim.model.get('version')}")
    click.echo(f"  evidence        {claim.bundle_digest}")
    click.echo(f"  policy revision {claim.policy_revision}")
    click.echo(f"  decided at      {claim.time_verified}")
    click.echo(f"  approvers       {len(claim.approvals)}")
    for approval in claim.approvals:
        click.echo(f"    {describe_approval(approval)}")
    click.echo(f"  signed by key   {verdict.key.keyid} ({trust_source})")
    click.echo(f"  attestation     {verdict.payload_digest}")


@click.command("verify")
@click.option("--artifact", type=click.Path(path_type=Path), default=None)
@click.option("--digest", default=None, help="The artefact's digest, sha256:<hex>.")
@click.option(
    "--attestation",
    "attestation_path",
    required=True,
    type=click.Path(path_type=Path),
    help="The DSSE envelope written by `record --attestation`.",
)
@click.option(
    "--key",
    "trust_path",
    required=True,
    type=click.Path(path_type=Path),
    help="Trust file (keys, validity windows, revocations) or a PEM public key.",
)
@stage_option()
@now_option("Verification time, RFC 3339 (default: now).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def verify_cmd(
    artifact: Path | None,
    digest: str | None,
    attestation_path: Path,
    trust_path: Path,
    stage: str,
    now: str | None,
    fmt: str,
) -> None:
    """Was this artefact allowed at this stage? Checks a signed decision attestation.

    Exit 0 allowed; 1 a genuine attestation that does not allow this artefact at
    this stage (denied, another stage, another artefact); 2 an attestation that is
    not acceptable (unsigned, altered, untrusted, expired or revoked key, withdrawn,
    truncated); 3 keyless verification not possible here.
    """
    from gate.attest.keys import load_trust, parse_time
    from gate.attest.verify import verify_attestation
    from gate.fileio import load_document

    wanted = _artifact_digest(artifact, digest)
    trust = load_trust(trust_path)
    when = parse_time(resolve_now(now), "--now")
    doc = load_document(attestation_path)
    verdict = verify_attestation(
        doc, trust, artifact_digest=wanted, stage=stage, now=when, where=str(attestation_path)
    )
    if fmt == "json":
        click.echo(json.dumps(verdict.claim.statement, indent=2, sort_keys=True))
        return
    _echo_verdict(verdict, wanted, str(trust_path))


@click.command("keygen")
@click.option("--output", required=True, type=click.Path(path_type=Path))
@click.option("--valid-days", default=365, show_default=True, type=click.IntRange(1, 3650))
@now_option("Start of validity, RFC 3339 (default: now).")
def keygen_cmd(output: Path, valid_days: int, now: str | None) -> None:
    """Create an ed25519 key pair and a trust file for it (for air-gapped signing).

    Writes signing-key.pem (private, mode 0600: keep it in the CI secret store),
    public-key.pem and trust.json (the key, valid for --valid-days).
    """
    from gate.attest.keys import TRUST_API, generate_key_pair, parse_time
    from gate.fileio import write_atomic

    start = parse_time(resolve_now(now), "--now")
    if (output / "signing-key.pem").exists():
        raise UsageError(f"{output / 'signing-key.pem'} exists; nothing was overwritten")
    secret, public = generate_key_pair(output)
    end = start + _dt.timedelta(days=valid_days)
    trust = {
        "apiVersion": TRUST_API,
        "keys": [
            {
                "public_key": public.read_text("ascii"),
                "valid_from": start.isoformat().replace("+00:00", "Z"),
                "valid_until": end.isoformat().replace("+00:00", "Z"),
                "revoked": False,
            }
        ],
        "revoked_attestations": [],
    }
    write_atomic(output / "trust.json", json.dumps(trust, indent=2) + "\n")
    click.echo(f"wrote {secret} (private: keep secret), {public} and {output / 'trust.json'}")


def register(cli: click.Group) -> None:
    """Attach the commands of this module to the main group."""
    cli.add_command(verify_cmd)
    cli.add_command(keygen_cmd)
