"""The server engine: a running OPA reached through its REST Data API.

A plain ``http.client`` connection (standard library: nothing to import at start-up, and no
redirect handling to switch off), kept alive across evaluations. What the gate trusts:

- nothing but a 200 with a JSON object; a redirect is an error, never followed, so another
  host's decision can never be used;
- one deadline for the whole exchange, retries included: a server that drips its answer a
  byte at a time is cut off when the deadline passes, not after each slow read;
- the answer's provenance (``?provenance=true``): the OPA version must be at least the
  minimum the policies need, and the loaded bundle's revision must be the one expected
  (the revision of the base branch's policies), so a server running other policies, or an
  old OPA, cannot decide.
"""

from __future__ import annotations

import copy
import http.client
import json
import os
import socket
import threading
import time
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from gate.engine.interface import DECISION_PACKAGE, DECISION_RULE, EngineResult
from gate.engine.toolchain import MIN_MAJOR
from gate.errors import EngineError, UndefinedDecision, UsageError

_RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})
_MAX_BODY = 64 * 1024 * 1024
_PATH = f"/v1/data/{DECISION_PACKAGE}/{DECISION_RULE}?provenance=true"


class _Retry(Exception):
    """An attempt failed in a way another attempt may fix; carries the error to raise."""

    def __init__(self, error: EngineError) -> None:
        super().__init__(error.message)
        self.error = error


class ServerOpaEngine:
    """Evaluate against ``opa run --server``. Network and HTTP failures raise EngineError.

    Evaluation is a pure function of the input, so a failed request is retried
    (``retries`` times, with a short backoff) while the deadline allows.
    """

    name = "server"

    def __init__(
        self,
        url: str,
        *,
        timeout: float = 10.0,
        retries: int = 2,
        backoff: float = 0.2,
        token: str | None = None,
        expected_revision: str | None = None,
    ) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise UsageError(f"--opa-url must be http(s)://host:port, got {url!r}")
        self.scheme = parts.scheme
        self.host = parts.hostname
        self.port = parts.port or 8181
        self.url = f"{parts.scheme}://{parts.hostname}:{self.port}"
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.expected_revision = expected_revision
        self._headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if token:
            self._headers["Authorization"] = f"Bearer {token}"
        self._conn: http.client.HTTPConnection | None = None
        self._socket: str | None = None

    @classmethod
    def on_unix_socket(
        cls, path: str, *, timeout: float, expected_revision: str
    ) -> ServerOpaEngine:
        """The OPA server at a unix socket (``opa run --server --addr unix://PATH``), as the
        batch route starts it (gate.engine.served). Not retried: the server is the gate's
        own, and a failure there is not one another attempt fixes."""
        engine = cls(
            "http://localhost", timeout=timeout, retries=0, expected_revision=expected_revision
        )
        engine.url = f"unix:{path}"
        engine._socket = path
        return engine

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def evaluate(self, policy_input: dict[str, Any]) -> EngineResult:
        doc = self._exchange(json.dumps({"input": policy_input}, allow_nan=False).encode())
        return self._result(doc)

    def evaluate_many(self, inputs: Iterable[dict[str, Any]]) -> list[EngineResult]:
        """Evaluate each input, results in input order, over one kept-alive connection per
        core: a central server answers requests in parallel, and one connection at a time
        would leave its cores idle. The first failure stops every lane and is raised.

        Every input is drawn first: a bad bundle ends the batch before a shared server
        (and its decision log) has seen any of it."""
        drawn = list(inputs)
        lanes = max(1, min(len(drawn), os.cpu_count() or 1))
        engines = [self, *(self._sibling() for _ in range(lanes - 1))]
        done: list[list[EngineResult]] = [[] for _ in range(lanes)]
        failures: list[BaseException] = []
        stop = threading.Event()

        def lane(number: int) -> None:
            try:
                for item in drawn[number::lanes]:
                    if stop.is_set():
                        return  # another lane failed: the batch's outcome is that failure
                    done[number].append(engines[number].evaluate(item))
            except BaseException as exc:  # handed to the caller's thread below
                failures.append(exc)
                stop.set()

        # Daemon threads: on Ctrl-C the command ends at once, not after the requests in
        # flight have timed out.
        threads = [threading.Thread(target=lane, args=(n,), daemon=True) for n in range(lanes)]
        try:
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        finally:
            stop.set()
        for sibling in engines[1:]:
            sibling.close()
        if failures:
            raise failures[0]
        return [done[i % lanes][i // lanes] for i in range(len(drawn))]

    def _sibling(self) -> ServerOpaEngine:
        """The same server, headers and checks, on a connection of its own."""
        twin = copy.copy(self)
        twin._conn = None
        return twin

    # ------------------------------------------------------------------ exchange

    def _exchange(self, body: bytes) -> dict[str, Any]:
        deadline = time.monotonic() + self.timeout
        last: EngineError | None = None
        for attempt in range(self.retries + 1):
            if attempt:
                pause = self.backoff * attempt
                if time.monotonic() + pause >= deadline:
                    break
                time.sleep(pause)
            try:
                return self._attempt(body, deadline)
            except _Retry as retry:
                self.close()
                last = retry.error
            if time.monotonic() >= deadline:
                break
        assert last is not None
        raise last

    def _connection(self, remaining: float) -> http.client.HTTPConnection:
        if self._conn is None and self._socket is not None:
            self._conn = _UnixConnection(self._socket, remaining)
        if self._conn is None:
            cls = (
                http.client.HTTPSConnection
                if self.scheme == "https"
                else http.client.HTTPConnection
            )
            self._conn = cls(self.host, self.port, timeout=remaining)
        return self._conn

    def _attempt(self, body: bytes, deadline: float) -> dict[str, Any]:
        try:
            conn = self._connection(_remaining(deadline))
            conn.timeout = _remaining(deadline)
            if conn.sock is not None:
                conn.sock.settimeout(_remaining(deadline))
            conn.request("POST", _PATH, body=body, headers=self._headers)
            response = conn.getresponse()
            payload = _read_body(conn, response, deadline)
        except (TimeoutError, _DeadlinePassed):
            raise _Retry(
                EngineError(
                    f"OPA server at {self.url} did not answer within {self.timeout:g}s",
                    hint="check the server's health (GET /health) or raise --timeout",
                )
            ) from None
        except (OSError, http.client.HTTPException) as exc:
            raise _Retry(
                EngineError(
                    f"cannot reach the OPA server at {self.url}",
                    detail=str(exc)[:500],
                    hint="start it (`opa run --server ...`) or fix --opa-url",
                )
            ) from None
        return self._decode(response.status, response.getheader("Location"), payload)

    def _decode(self, status: int, location: str | None, payload: bytes) -> dict[str, Any]:
        if 300 <= status < 400:
            self.close()
            raise EngineError(
                f"OPA server at {self.url} answered HTTP {status}, a redirect to "
                f"{location or '(no Location)'}; the gate does not follow redirects",
                hint="point --opa-url at the OPA server itself",
            )
        if status != 200:
            error = EngineError(
                f"OPA server at {self.url} answered HTTP {status}",
                detail=payload[:1000].decode("utf-8", "replace"),
                hint="check the OPA server's log and its loaded bundle",
            )
            if status in _RETRYABLE_STATUS:
                raise _Retry(error)
            raise error
        try:
            doc = json.loads(payload)
        except ValueError:
            raise EngineError(
                f"OPA server at {self.url} answered with non-JSON",
                detail=payload[:500].decode("utf-8", "replace"),
            ) from None
        if not isinstance(doc, dict):
            raise EngineError(f"OPA server at {self.url} answered with a non-object")
        return doc

    # ------------------------------------------------------------------ trust

    def _result(self, doc: dict[str, Any]) -> EngineResult:
        version, revision = self._provenance(doc.get("provenance"))
        if "result" not in doc:
            raise UndefinedDecision(
                f"the OPA server at {self.url} has no decision for data.gate.main.decision",
                hint="load the gate's policy bundle into the server (`mrm-gate bundle`)",
            )
        return EngineResult(
            value=doc["result"], engine=self.name, opa_version=version, policy_revision=revision
        )

    def _provenance(self, provenance: Any) -> tuple[str, str]:
        """The server's OPA version and its one bundle revision, both checked."""
        if not isinstance(provenance, dict):
            raise EngineError(
                f"OPA server at {self.url} sent no provenance with its answer",
                hint="the gate needs a real OPA server (`opa run --server`)",
            )
        version = str(provenance.get("version") or "")
        if _major(version) < MIN_MAJOR:
            raise EngineError(
                f"OPA server at {self.url} runs OPA {version or '(unknown)'}; the policies "
                f"need OPA >= {MIN_MAJOR}.0",
                hint="upgrade the server to the OPA version the gate pins (`mrm-gate version`)",
            )
        bundles = provenance.get("bundles")
        revisions = sorted(
            {str(b.get("revision") or "") for b in bundles.values() if isinstance(b, dict)}
            if isinstance(bundles, dict)
            else set()
        )
        if len(revisions) != 1 or not revisions[0]:
            raise EngineError(
                f"OPA server at {self.url} does not serve exactly one bundle with a revision "
                f"(found {revisions or 'none'})",
                hint="run the server with the one bundle built by `mrm-gate bundle`",
            )
        revision = revisions[0]
        if self.expected_revision is not None and revision != self.expected_revision:
            raise EngineError(
                f"OPA server at {self.url} serves policy revision {revision}, not the expected "
                f"{self.expected_revision}",
                hint="deploy the bundle of the base branch's policies (`mrm-gate bundle`) to "
                "the server, or pass the matching --policy",
            )
        return version, revision


class _UnixConnection(http.client.HTTPConnection):
    """HTTP over a unix socket: the same exchange, through a file only its owner can open."""

    def __init__(self, path: str, timeout: float) -> None:
        super().__init__("localhost", timeout=timeout)
        self.socket_path = path

    def connect(self) -> None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        try:
            sock.connect(self.socket_path)
        except OSError:
            sock.close()
            raise
        self.sock = sock


class _DeadlinePassed(Exception):
    """The whole exchange ran out of time while reading the body."""


def _remaining(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise _DeadlinePassed
    return left


def _read_body(
    conn: http.client.HTTPConnection, response: http.client.HTTPResponse, deadline: float
) -> bytes:
    """Read the whole body, re-arming the socket timeout to what is left of the deadline."""
    chunks: list[bytes] = []
    size = 0
    while True:
        if conn.sock is not None:
            conn.sock.settimeout(_remaining(deadline))
        chunk = response.read1(65536)
        if not chunk:
            break
        size += len(chunk)
        if size > _MAX_BODY:
            raise http.client.HTTPException(f"answer larger than {_MAX_BODY} bytes")
        chunks.append(chunk)
        _remaining(deadline)
    # read1 leaves a Content-Length answer open after its last byte (a chunked one closes
    # itself); an open answer makes the next request on the connection fail.
    response.close()
    if response.will_close:
        conn.close()
    return b"".join(chunks)


def _major(version: str) -> int:
    head = version.lstrip("v").split(".", 1)[0]
    return int(head) if head.isdigit() else -1
