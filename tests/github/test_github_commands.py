"""Parsing /approve and /revoke out of comment bodies."""

from __future__ import annotations

import pytest

from gate.github.commands import Command, parse_commands

HEX = "0f369c96bed912ff4f4eaa9a" + "5c" * 20


def test_success_plain_command_on_its_own_line() -> None:
    assert parse_commands(f"LGTM\r\n/approve validator {HEX}\r\n") == [
        Command("approve", "validator", HEX)
    ]


def test_success_sha256_prefix_and_uppercase_are_accepted() -> None:
    assert parse_commands(f"/approve legal sha256:{HEX.upper()}") == [
        Command("approve", "legal", HEX)
    ]


def test_success_revoke_and_waiver_role() -> None:
    assert parse_commands(f"/revoke validator\n/approve waiver:SR117-VAL-01 {HEX}") == [
        Command("revoke", "validator"),
        Command("approve", "waiver:SR117-VAL-01", HEX),
    ]


def test_success_text_after_a_closed_fence_counts() -> None:
    body = f"```\n/approve validator {HEX}\n```\n/approve legal {HEX}"
    assert parse_commands(body) == [Command("approve", "legal", HEX)]


@pytest.mark.parametrize(
    "body",
    [
        f"> /approve validator {HEX}",
        f"  > quoted\n> /approve validator {HEX}",
        f"```\n/approve validator {HEX}\n```",
        f"~~~text\n/approve validator {HEX}\n~~~",
        f"````\n```\n/approve validator {HEX}\n```\n````",
        f"    /approve validator {HEX}",
        f"\t/approve validator {HEX}",
        f"please /approve validator {HEX}",
        f"`/approve validator {HEX}`",
        f"/approve validator {HEX[:11]}",
        f"/approve validator {HEX[:12]}",
        f"/approve validator {HEX[:63]}",
        f"/approve validator {HEX} extra",
        "/approve validator",
        f"/approve validator {'a' * 65}",
        f"/approve validator g{HEX}",
    ],
)
def test_fail_not_a_command(body: str) -> None:
    assert parse_commands(body) == []


def test_fail_unclosed_fence_hides_the_rest() -> None:
    assert parse_commands(f"```\nexample\n/approve validator {HEX}") == []
