"""The server engine: a running OPA reached through its REST Data API (opa-python-client)."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlsplit

import requests
from opa_client.opa import OpaClient

from gate.engine.interface import DECISION_PACKAGE, DECISION_RULE, EngineResult
from gate.errors import EngineError, UndefinedDecision, UsageError

_RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})


class ServerOpaEngine:
    """Evaluate against ``opa run --server``. Network and HTTP failures raise EngineError.

    Evaluation of the decision is a pure function of the input, so a failed request is
    retried (``retries`` times, with a short backoff) before the gate gives up.
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
    ) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise UsageError(f"--opa-url must be http(s)://host:port, got {url!r}")
        self.url = f"{parts.scheme}://{parts.hostname}:{parts.port or 8181}"
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        # The client's own retry adapter does not retry POSTs; we retry below.
        self._client = OpaClient(
            host=parts.hostname,
            port=parts.port or 8181,
            ssl=parts.scheme == "https",
            timeout=timeout,
            retries=0,
            token=token,
        )

    def close(self) -> None:
        self._client.close_connection()

    def _post(self, policy_input: dict[str, Any]) -> dict[str, Any]:
        last: Exception | None = None
        for attempt in range(self.retries + 1):
            if attempt:
                time.sleep(self.backoff * attempt)
            try:
                doc = self._client.query_rule(
                    input_data=policy_input, package_path=DECISION_PACKAGE, rule_name=DECISION_RULE
                )
            except requests.HTTPError as exc:
                status = exc.response.status_code if exc.response is not None else 0
                body = exc.response.text[:1000] if exc.response is not None else ""
                last = EngineError(
                    f"OPA server at {self.url} answered HTTP {status}",
                    detail=body,
                    hint="check the OPA server's log and its loaded bundle",
                )
                if status not in _RETRYABLE_STATUS:
                    break
                continue
            except requests.Timeout:
                last = EngineError(
                    f"OPA server at {self.url} did not answer within {self.timeout:g}s "
                    f"({attempt + 1} attempt(s))",
                    hint="check the server's health (GET /health) or raise --timeout",
                )
                continue
            except requests.ConnectionError as exc:
                last = EngineError(
                    f"cannot reach the OPA server at {self.url}",
                    detail=str(exc)[:500],
                    hint="start it (`opa run --server ...`) or fix --opa-url",
                )
                continue
            except ValueError as exc:
                raise EngineError(
                    f"OPA server at {self.url} answered with non-JSON", detail=str(exc)
                ) from None
            if not isinstance(doc, dict):
                raise EngineError(f"OPA server at {self.url} answered with a non-object")
            return doc
        assert last is not None
        raise last

    def evaluate(self, policy_input: dict[str, Any]) -> EngineResult:
        doc = self._post(policy_input)
        if "result" not in doc:
            raise UndefinedDecision(
                f"the OPA server at {self.url} has no decision for data.gate.main.decision",
                hint="load the gate's policy bundle into the server (`mrm-gate bundle`)",
            )
        value = doc["result"]
        opa_version = value.get("opa_version", "") if isinstance(value, dict) else ""
        revision = value.get("policy_revision", "") if isinstance(value, dict) else ""
        return EngineResult(
            value=value,
            engine=self.name,
            opa_version=str(opa_version),
            policy_revision=str(revision),
        )
