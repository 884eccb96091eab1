"""The batch route of the local engine: the real OPA started once as a private server.

Why a server: ``opa eval`` of many inputs in one query has to evaluate each one ``with input
as`` inside that query, which costs OPA about three times a plain evaluation (issue 21).
``opa run --server`` prepares the decision query once and evaluates every input POSTed to
it as a plain evaluation. The inputs go through the server engine (gate.engine.server), one
request each on one kept-alive connection, so OPA's answers have one reader, which checks
each answer's provenance against the revision of the bundle started here.

What stays as in a single check:

- the same built bundle (its revision checked in every answer) and the same decision path;
- the restricted capabilities: ``opa run`` takes no capabilities file, but the bundle built
  from a policy folder was compiled against it (``opa build --capabilities``), and a
  prebuilt bundle file is compiled against it by ``opa check`` before any input is sent;
- the scrubbed environment and no network: OPA's version check is off, and the server
  listens on a unix socket (mode 0600) in a private folder (0700), so no other user can
  reach its API, which would let anyone who can connect replace a policy mid-batch.

Fail closed: a server that does not start, exits or stalls, or an undefined decision, is an
:class:`EngineError`; however the batch ends (SIGTERM included) the process is killed (it
holds nothing to save) and its folder, socket included, removed.
"""

from __future__ import annotations

import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

from gate.engine.opa_process import capabilities_file, run_opa, start_opa
from gate.engine.server import ServerOpaEngine
from gate.engine.toolchain import OpaBinary
from gate.errors import EngineError, UndefinedDecision
from gate.policy import BuiltPolicy

_POLL_S = 0.01
# How long a server whose connection broke gets to be seen as exited (it closes its
# sockets a moment before the kernel reports it gone).
_EXIT_GRACE_S = 1.0
_CHECK_ALONE = "check that bundle alone with `mrm-gate check --bundle FILE`"


class BatchStopped(EngineError):
    """SIGTERM arrived while the batch's server ran (a cancelled job, say)."""


@contextmanager
def private_server(
    opa: OpaBinary, built: BuiltPolicy, *, timeout: float, check_capabilities: bool
) -> Iterator[PrivateServer]:
    """A started server for one batch; killed, and its folder removed, when the block ends."""
    with _sigterm_as_error(), tempfile.TemporaryDirectory(prefix="mrm-gate-opa-") as tmp:
        server = PrivateServer(opa, built, Path(tmp), timeout, check_capabilities)
        try:
            yield server
        finally:
            server.stop()


class PrivateServer:
    """One batch's OPA server. It starts on construction, so it compiles the policies while
    the caller reads the bundles; :meth:`evaluate_all` then waits until it listens."""

    def __init__(
        self,
        opa: OpaBinary,
        built: BuiltPolicy,
        folder: Path,
        timeout: float,
        check_capabilities: bool,
    ) -> None:
        self.opa = opa
        self.built = built
        self.folder = folder
        self.timeout = timeout
        self.check_capabilities = check_capabilities
        self.socket = folder / "opa.sock"
        self._client: ServerOpaEngine | None = None
        self.proc = self._start()

    def evaluate_all(self, inputs: Iterable[dict[str, Any]]) -> list[Any]:
        """OPA's decision value for each input, in order; raise EngineError on any failure."""
        client = self._ready()
        return [self._evaluate(client, index, item) for index, item in enumerate(inputs)]

    def stop(self) -> None:
        if self._client is not None:
            self._client.close()
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()

    def _start(self) -> subprocess.Popen[bytes]:
        args = [
            "run", "--server", "--addr", f"unix://{self.socket}", "--unix-socket-perm", "600",
            "--skip-version-check", "--log-level", "error", "--bundle", str(self.built.path),
        ]  # fmt: skip
        with (self.folder / "opa.log").open("wb") as log:
            return start_opa(self.opa.path, args, stderr=log)

    def _ready(self) -> ServerOpaEngine:
        """The client, once the server listens (it loads the bundle before it listens)."""
        if self.check_capabilities:
            caps = capabilities_file(self.opa.path, self.opa.version)
            run_opa(
                self.opa.path,
                ["check", "--capabilities", str(caps), "--bundle", str(self.built.path)],
                what="capabilities check of the policy bundle",
                timeout=self.timeout,
            )
        self._wait_listening()
        self._client = ServerOpaEngine.on_unix_socket(
            str(self.socket), timeout=self.timeout, expected_revision=self.built.revision
        )
        return self._client

    def _wait_listening(self) -> None:
        deadline = time.monotonic() + self.timeout
        while True:
            if self.proc.poll() is not None:
                raise self._exited(
                    "before it served the batch",
                    "fix what OPA's log above names (a TMPDIR too long for a unix socket "
                    "path, say), or run one bundle alone with `mrm-gate check --bundle FILE`",
                )
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
                try:
                    probe.connect(str(self.socket))
                    return
                except OSError:
                    pass  # not listening yet
            if time.monotonic() >= deadline:
                raise EngineError(
                    f"the OPA server for the batch did not start within {self.timeout:g}s",
                    detail=self._log(),
                    hint="raise --timeout, or check the policies with `make policy`",
                )
            time.sleep(_POLL_S)

    def _evaluate(self, client: ServerOpaEngine, index: int, item: dict[str, Any]) -> Any:
        which = f"bundle {index + 1} of the batch ({_model(item)})"
        try:
            return client.evaluate(item).value
        except BatchStopped:
            raise
        except UndefinedDecision:
            raise UndefinedDecision(
                f"the policy produced no decision for {which}",
                hint="the entrypoint data.gate.main.decision must be defined for every input; "
                "check the policy location and package names",
            ) from None
        except EngineError as exc:
            if self._has_exited():
                raise self._exited(
                    f"while evaluating {which}", f"{_CHECK_ALONE}; OPA's log is above"
                ) from None
            raise EngineError(
                f"the OPA server for the batch failed on {which}: {exc.message}",
                detail=exc.detail,
                hint=f"{_CHECK_ALONE}; raise --timeout if OPA was only slow",
            ) from None

    def _has_exited(self) -> bool:
        try:
            self.proc.wait(timeout=_EXIT_GRACE_S)
        except subprocess.TimeoutExpired:
            return False
        return True

    def _exited(self, when: str, hint: str) -> EngineError:
        return EngineError(
            f"the OPA server for the batch exited with code {self.proc.returncode} {when}",
            detail=self._log(),
            hint=hint,
        )

    def _log(self) -> str:
        try:
            return (self.folder / "opa.log").read_text("utf-8", "replace")[-2000:]
        except OSError:
            return ""


def _model(item: dict[str, Any]) -> str:
    """Which bundle an input came from, for a person: its model name and version."""
    model = item.get("bundle", {}).get("model", {})
    return f"model {model.get('name', '?')} version {model.get('version', '?')}"


@contextmanager
def _sigterm_as_error() -> Iterator[None]:
    """Turn SIGTERM into :class:`BatchStopped` while the server runs. Python's default
    for SIGTERM ends the process at once, skipping the clean-up that kills the server."""
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread can take signals; a caller's thread keeps its default
        return

    def stop(signum: int, frame: FrameType | None) -> None:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second one must not cut the clean-up
        raise BatchStopped(
            "the batch was stopped by SIGTERM before every decision was back; no report "
            "was written",
            hint="run the check again",
        )

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous if previous is not None else signal.SIG_DFL)
