"""The README's Security table names, for each attack, the tests that drive it: every test
named must exist (a pytest function found by reading the file's syntax tree, or an OPA
test rule in a .rego file), every row must name one, and the counts above the table must
be the table's."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

from conftest import ROOT

_TEST_ID = re.compile(r"`([^`\s]+)::([A-Za-z_][A-Za-z0-9_]*)`")
_COUNTS = re.compile(r"\*\*(\d+) attacks, (\d+) blocked\.\*\*")


@dataclass(frozen=True)
class Row:
    key: str
    tests: list[tuple[str, str]]
    outcome: str


def security_section(readme: str) -> str:
    start = readme.index("\n## Security\n")
    end = readme.find("\n## ", start + 1)
    return readme[start : end if end != -1 else len(readme)]


def rows_of(section: str) -> list[Row]:
    rows = []
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if not line.startswith("| ") or len(cells) != 4 or cells[0] in ("#", "---"):
            continue
        rows.append(Row(cells[0], _TEST_ID.findall(cells[2]), cells[3]))
    return rows


def _python_tests(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    return {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}


def _rego_tests(path: Path) -> set[str]:
    return set(re.findall(r"^(test_[A-Za-z0-9_]+)\b", path.read_text("utf-8"), re.M))


def missing_tests(rows: list[Row], root: Path) -> list[str]:
    """The test ids the rows name that do not exist under ``root``."""
    missing = []
    for row in rows:
        for file, name in row.tests:
            path = root / file
            if not path.is_file():
                missing.append(f"{row.key}: {file} does not exist")
                continue
            found = _rego_tests(path) if path.suffix == ".rego" else _python_tests(path)
            if not name.startswith("test_") or name not in found:
                missing.append(f"{row.key}: {file}::{name} is not a test")
    return missing


def test_every_test_the_security_table_names_exists() -> None:
    rows = rows_of(security_section((ROOT / "README.md").read_text("utf-8")))
    assert len(rows) > 20
    assert missing_tests(rows, ROOT) == []


def test_every_row_names_a_test_and_a_known_outcome() -> None:
    rows = rows_of(security_section((ROOT / "README.md").read_text("utf-8")))
    assert [r.key for r in rows if not r.tests] == []
    assert {r.outcome for r in rows} <= {"blocked", "open"}
    assert len({r.key for r in rows}) == len(rows)


def test_the_counts_are_the_tables() -> None:
    section = security_section((ROOT / "README.md").read_text("utf-8"))
    rows = rows_of(section)
    [(attacks, blocked)] = _COUNTS.findall(section)
    assert int(attacks) == len(rows)
    assert int(blocked) == sum(1 for r in rows if r.outcome == "blocked")


def test_the_checker_reports_a_test_that_does_not_exist(tmp_path: Path) -> None:
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_x.py").write_text("def test_real():\n    pass\n", "utf-8")
    (tmp_path / "p.rego").write_text("package p\n\ntest_rule if true\n", "utf-8")
    section = (
        "\n## Security\n\n| # | attack | tests | outcome |\n|---|---|---|---|\n"
        "| 1 | a | `tests/test_x.py::test_real`, `p.rego::test_rule` | blocked |\n"
        "| 2 | b | `tests/test_x.py::test_gone`, `tests/test_y.py::test_real` | blocked |\n"
        "| 3 | c | `p.rego::test_other` | blocked |\n"
    )
    assert missing_tests(rows_of(security_section(section)), tmp_path) == [
        "2: tests/test_x.py::test_gone is not a test",
        "2: tests/test_y.py does not exist",
        "3: p.rego::test_other is not a test",
    ]
