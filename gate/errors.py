"""Typed errors. Every failure the gate can meet is one of these, with its exit code.

Exit codes are a contract (see README): 0 allowed, 1 denied by policy, 2 evidence or
usage invalid, 3 engine or infrastructure error. Nothing but the CLI turns an error into
an exit; everything else raises.
"""

from __future__ import annotations

from dataclasses import dataclass

EXIT_ALLOWED = 0
EXIT_DENIED = 1
EXIT_INVALID = 2
EXIT_ENGINE = 3


class GateError(Exception):
    """Root of every error the gate reports to a user."""

    exit_code: int = EXIT_ENGINE

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def diagnostics(self) -> str:
        """A message for a person: what went wrong, then what to do about it."""
        text = self.message
        if self.hint:
            text += f"\n  what to do: {self.hint}"
        return text


class UsageError(GateError):
    """The command line or the configuration asks for something impossible."""

    exit_code = EXIT_INVALID


@dataclass(frozen=True)
class Problem:
    """One problem in one input file, located by a JSON path."""

    file: str
    json_path: str
    message: str
    fix: str = ""

    def render(self) -> str:
        text = f"{self.file}: {self.json_path}: {self.message}"
        if self.fix:
            text += f" (fix: {self.fix})"
        return text


class EvidenceError(GateError):
    """Evidence is unreadable or invalid. Carries every problem found, not only the first."""

    exit_code = EXIT_INVALID

    def __init__(
        self, message: str, problems: list[Problem] | None = None, *, hint: str | None = None
    ) -> None:
        super().__init__(message, hint=hint)
        self.problems: list[Problem] = list(problems or [])

    def diagnostics(self) -> str:
        lines = [self.message]
        lines.extend(f"  - {p.render()}" for p in self.problems)
        if self.hint:
            lines.append(f"  what to do: {self.hint}")
        return "\n".join(lines)


class EngineError(GateError):
    """OPA could not give a trustworthy decision: missing, wrong version, crashed, timed out,
    unreachable, or returned something that is not a decision. Never means "allowed"."""

    exit_code = EXIT_ENGINE

    def __init__(self, message: str, *, hint: str | None = None, detail: str = "") -> None:
        super().__init__(message, hint=hint)
        self.detail = detail

    def diagnostics(self) -> str:
        text = self.message
        if self.detail:
            text += "\n  engine said: " + self.detail.strip()[:2000]
        if self.hint:
            text += f"\n  what to do: {self.hint}"
        return text


class UndefinedDecision(EngineError):
    """The policy produced no value for the decision entrypoint."""


class MalformedDecision(EngineError):
    """The policy produced a value that is not a well-formed, consistent decision."""


class ReportingError(GateError):
    """Publishing a result (GitHub, files) failed."""

    exit_code = EXIT_ENGINE
