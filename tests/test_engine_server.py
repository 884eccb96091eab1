"""The server engine against a real `opa run --server`, and its failure modes over real HTTP."""

from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import NOW, OpaServer, free_port, load_asset
from gate.decision import decision_from_policy
from gate.engine.local import LocalOpaEngine
from gate.engine.server import ServerOpaEngine
from gate.engine.toolchain import OpaBinary
from gate.errors import EngineError, UndefinedDecision, UsageError
from gate.evidence import bundle_digest
from gate.policy import PolicySource
from gate.policy_input import build_input

BUNDLES = ["credit-complete.json", "clinical-complete.json"]
STAGES = ["merge", "staging", "production"]


def _input(name: str, stage: str) -> dict:
    bundle = load_asset("bundles", name)
    return build_input(bundle, stage=stage, digest=bundle_digest(bundle), now=NOW)


@pytest.mark.parametrize("name", BUNDLES)
@pytest.mark.parametrize("stage", STAGES)
def test_both_engines_agree(
    opa: OpaBinary, policies: PolicySource, opa_server: OpaServer, name: str, stage: str
) -> None:
    policy_input = _input(name, stage)
    digest = policy_input["context"]["bundle_digest"]
    local = decision_from_policy(
        LocalOpaEngine(opa, policies).evaluate(policy_input),
        stage=stage,
        bundle_digest=digest,
        decided_at=NOW,
    )
    remote = decision_from_policy(
        ServerOpaEngine(opa_server.url).evaluate(policy_input),
        stage=stage,
        bundle_digest=digest,
        decided_at=NOW,
    )
    a, b = local.to_dict(), remote.to_dict()
    assert a.pop("engine") == "local" and b.pop("engine") == "server"
    assert a == b


def test_server_reports_bundle_revision(opa_server: OpaServer, policies: PolicySource) -> None:
    result = ServerOpaEngine(opa_server.url).evaluate(_input("credit-complete.json", "merge"))
    assert result.policy_revision == policies.revision()


def test_server_down() -> None:
    engine = ServerOpaEngine(f"http://127.0.0.1:{free_port()}", retries=1, backoff=0.01)
    with pytest.raises(EngineError, match="cannot reach") as info:
        engine.evaluate(_input("credit-complete.json", "merge"))
    assert info.value.exit_code == 3


def test_bad_url_is_usage_error() -> None:
    with pytest.raises(UsageError):
        ServerOpaEngine("opa.internal:8181")


class _Handler(http.server.BaseHTTPRequestHandler):
    mode = "500"
    hits = 0

    def do_POST(self) -> None:  # noqa: N802 - http.server API
        type(self).hits += 1
        length = int(self.headers.get("Content-Length", 0))
        self.rfile.read(length)
        if self.mode == "sleep":
            time.sleep(2)
        status, body = {
            "500": (500, b'{"code":"internal_error","message":"boom"}'),
            "undefined": (200, b"{}"),
            "garbage": (200, b"<html>proxy error</html>"),
            "404": (404, b'{"code":"not_found"}'),
            "sleep": (200, b"{}"),
        }[self.mode]
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def stub_server() -> Iterator[tuple[str, type[_Handler]]]:
    handler = type("H", (_Handler,), {"hits": 0})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", handler
    server.shutdown()
    server.server_close()


def test_http_500_is_retried_then_fails(stub_server) -> None:  # type: ignore[no-untyped-def]
    url, handler = stub_server
    handler.mode = "500"
    engine = ServerOpaEngine(url, retries=2, backoff=0.01)
    with pytest.raises(EngineError, match="HTTP 500") as info:
        engine.evaluate(_input("credit-complete.json", "merge"))
    assert handler.hits == 3
    assert "boom" in info.value.diagnostics()


def test_http_404_is_not_retried(stub_server) -> None:  # type: ignore[no-untyped-def]
    url, handler = stub_server
    handler.mode = "404"
    with pytest.raises(EngineError, match="HTTP 404"):
        ServerOpaEngine(url, retries=2, backoff=0.01).evaluate(
            _input("credit-complete.json", "merge")
        )
    assert handler.hits == 1


def test_http_timeout(stub_server) -> None:  # type: ignore[no-untyped-def]
    url, handler = stub_server
    handler.mode = "sleep"
    engine = ServerOpaEngine(url, timeout=0.3, retries=1, backoff=0.01)
    with pytest.raises(EngineError, match="did not answer"):
        engine.evaluate(_input("credit-complete.json", "merge"))


def test_undefined_from_server(stub_server) -> None:  # type: ignore[no-untyped-def]
    url, handler = stub_server
    handler.mode = "undefined"
    with pytest.raises(UndefinedDecision):
        ServerOpaEngine(url).evaluate(_input("credit-complete.json", "merge"))


def test_garbage_from_server(stub_server) -> None:  # type: ignore[no-untyped-def]
    url, handler = stub_server
    handler.mode = "garbage"
    with pytest.raises(EngineError, match="non-JSON"):
        ServerOpaEngine(url, retries=0).evaluate(_input("credit-complete.json", "merge"))


def test_server_without_gate_policies_is_undefined(opa: OpaBinary, tmp_path: Path) -> None:
    """A real OPA server holding other policies: the decision is undefined, never allowed."""
    other = tmp_path / "other"
    other.mkdir()
    (other / "x.rego").write_text("package other\n\nallow := true\n", "utf-8")
    from gate.policy import build_bundle

    build_bundle(opa.path, PolicySource(other), tmp_path / "b.tar.gz")
    server = OpaServer(opa, tmp_path / "b.tar.gz")
    try:
        with pytest.raises(UndefinedDecision):
            ServerOpaEngine(server.url).evaluate(_input("credit-complete.json", "merge"))
    finally:
        server.stop()
