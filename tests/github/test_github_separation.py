"""Row 7: each required role is filled by a different person. One person who is a member
of every role's team signs every role: denied (GATE-SOD-01), through `mrm-gate check
--github`, the real OPA and the local GitHub server."""

from __future__ import annotations

from pathlib import Path

from github_server import PR, GitHubServer, team_of
from test_github_attacks import check, digest_hex, gh

__all__ = ["gh"]  # the fixture, shared with the attack tests

SIGNER = "sam-signer"


def test_row7_one_person_in_every_role_team_cannot_sign_every_role(
    gh: GitHubServer, tmp_path: Path
) -> None:
    _, first, _ = check(gh, tmp_path)
    roles = [r["role"] for r in first["required_approvals"]]
    assert len(roles) == 6
    for role in roles:
        gh.add_member(team_of(role), SIGNER)
        gh.comment(PR, SIGNER, f"/approve {role} {digest_hex()}")
    code, decision, err = check(gh, tmp_path)
    assert code == 1, err
    assert decision["allow"] is False
    sod = [v["msg"] for v in decision["violations"] if v["control_id"] == "GATE-SOD-01"]
    assert sod and all(SIGNER in msg for msg in sod), decision["violations"]
