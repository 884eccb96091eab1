"""The one way git is run: the collector's facts, the registry's commit check, reproduction's
export of the recorded commit and the report's foreign-commit note all go through ``Git``."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

from gate.errors import EngineError


class Git:
    """git in one repository, run one way: a fixed locale, no prompts, locks or pager, one
    timeout; a missing git, a timeout or (with ``check``) a failure is an EngineError (exit
    3). A caller with another exit-code policy catches it."""

    def __init__(self, repo: Path, timeout: float = 60) -> None:
        self.repo = repo
        self.timeout = timeout
        self.env = dict(os.environ)
        self.env.update(
            {"LC_ALL": "C", "GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0", "GIT_PAGER": ""}
        )

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """git's output as text (UTF-8, undecodable bytes kept as surrogates)."""
        return self._run(args, check, text=True)

    def run_binary(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[bytes]:
        """git's output as bytes, for output that is not text (``git archive``)."""
        return self._run(args, check, text=False)

    def _run(
        self, args: tuple[str, ...], check: bool, text: bool
    ) -> subprocess.CompletedProcess[Any]:
        # -C rather than cwd: a missing repository is git's failure, not a missing git.
        cmd = ["git", "-C", str(self.repo), "-c", "core.quotepath=off"]
        cmd += ["-c", "log.showSignature=false", *args]
        decoding: dict[str, Any] = (
            {"text": True, "encoding": "utf-8", "errors": "surrogateescape"} if text else {}
        )
        try:
            proc: subprocess.CompletedProcess[Any] = subprocess.run(
                cmd,
                env=self.env,
                capture_output=True,
                timeout=self.timeout,
                check=False,
                **decoding,
            )
        except FileNotFoundError as exc:
            raise EngineError(
                "git is not installed or not on PATH",
                hint="install git; the gate reads commit facts from it",
            ) from exc
        except OSError as exc:
            raise EngineError(f"cannot run git: {exc.strerror or exc}") from exc
        except subprocess.TimeoutExpired as exc:
            raise EngineError(f"git {args[0]} timed out after {self.timeout:g} s") from exc
        if check and proc.returncode != 0:
            stderr = proc.stderr if text else proc.stderr.decode("utf-8", "replace")
            raise EngineError(f"git {' '.join(args)} failed", detail=stderr)
        return proc
