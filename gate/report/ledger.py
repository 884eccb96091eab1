"""The text of `mrm-gate ledger show`: a model's history, one record a few lines."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from gate.report.text import short_digest, verdict


def history_table(model_id: str, ledger: str, rows: Iterable[dict[str, Any]]) -> str:
    """``rows`` as `ledger show` builds them (index, version, stage, allowed, decided_at,
    bundle_digest, approvals, repository, pull_request, head_sha, ci_run)."""
    out = [
        f"history of {model_id} in {ledger}:",
        f"  {'#':>4}  {'version':<10} {'stage':<11} {'verdict':<8} {'decided at':<21}",
    ]
    for r in rows:
        out.append(
            f"  {r['index']:>4}  {r['version']:<10} {r['stage']:<11} "
            f"{verdict(r['allowed']):<8} {r['decided_at']:<21} "
            f"bundle {short_digest(str(r['bundle_digest']))}"
        )
        out.append(f"        approvals: {'; '.join(r['approvals']) or 'none required'}")
        if r["pull_request"] is not None:
            out.append(
                f"        pull request: {r['repository'] or '?'}#{r['pull_request']} "
                f"at {r['head_sha'] or '?'}"
            )
        if r["ci_run"]:
            out.append(f"        CI run: {r['ci_run']}")
    return "\n".join(out) + "\n"
