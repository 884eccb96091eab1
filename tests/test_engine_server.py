"""The server engine against a real `opa run --server`, and its failure modes over real HTTP."""

from __future__ import annotations

import http.server
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import NOW, OpaServer, free_port, load_asset
from gate.decision import Decision
from gate.engine.local import LocalOpaEngine
from gate.engine.server import ServerOpaEngine
from gate.engine.toolchain import OpaBinary
from gate.errors import EngineError, UndefinedDecision, UsageError
from gate.evidence import bundle_digest
from gate.policy import PolicySource, build_bundle
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
    local = Decision.from_policy(
        LocalOpaEngine(opa, policies).evaluate(policy_input),
        stage=stage,
        bundle_digest=digest,
        decided_at=NOW,
    )
    remote = Decision.from_policy(
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


def _answer(version: str, *revisions: str) -> bytes:
    bundles = {f"b{i}": {"revision": r} for i, r in enumerate(revisions)}
    return json.dumps(
        {"result": {"allow": True}, "provenance": {"version": version, "bundles": bundles}}
    ).encode()


PROVENANCE = b'{"provenance": {"version": "1.22.3", "bundles": {"b": {"revision": "sha256:x"}}}}'


class _Handler(http.server.BaseHTTPRequestHandler):
    mode = "500"
    hits = 0
    lock = threading.Lock()
    target = ""
    protocol_version = "HTTP/1.1"

    def _drip(self, status: int, body: bytes) -> None:
        """A chunked answer, one byte every 0.2 s: each read is quick, the whole is not."""
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        try:
            for byte in body * 20:
                self.wfile.write(b"1\r\n" + bytes([byte]) + b"\r\n")
                self.wfile.flush()
                time.sleep(0.2)
            self.wfile.write(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass

    def do_POST(self) -> None:  # noqa: N802 - http.server API
        with self.lock:  # requests come in on several connections at once
            type(self).hits += 1
            hit = self.hits
        length = int(self.headers.get("Content-Length", 0))
        self.rfile.read(length)
        if self.mode == "sleep":
            time.sleep(2)
        mode = self.mode
        if mode == "fails-5th":  # the fifth request alone is not found
            mode = "404" if hit == 5 else "ok"
        status, body = {
            "ok": (200, _answer("1.22.3", "sha256:expected")),
            "500": (500, b'{"code":"internal_error","message":"boom"}'),
            "undefined": (200, PROVENANCE),
            "garbage": (200, b"<html>proxy error</html>"),
            "404": (404, b'{"code":"not_found"}'),
            "sleep": (200, b"{}"),
            "old": (200, _answer("0.0.1", "sha256:expected")),
            "other-revision": (200, _answer("1.22.3", "sha256:other")),
            "two-bundles": (200, _answer("1.22.3", "sha256:expected", "sha256:other")),
            "no-provenance": (200, b'{"result": {"allow": true}}'),
            "redirect": (307, b""),
            "drip": (200, b"{}"),
        }[mode]
        if self.mode == "redirect":
            self.send_response(307)
            self.send_header("Location", self.target + self.path)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if self.mode == "drip":
            self._drip(status, body)
            return
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
    handler = type("H", (_Handler,), {"hits": 0, "lock": threading.Lock()})
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
    build_bundle(opa.path, PolicySource(other), tmp_path / "b.tar.gz")
    server = OpaServer(opa, tmp_path / "b.tar.gz")
    try:
        with pytest.raises(UndefinedDecision):
            ServerOpaEngine(server.url).evaluate(_input("credit-complete.json", "merge"))
    finally:
        server.stop()


def test_old_opa_server_is_refused(stub_server) -> None:  # type: ignore[no-untyped-def]
    """Row 16: a server that says it runs OPA 0.0.1 does not decide."""
    url, handler = stub_server
    handler.mode = "old"
    engine = ServerOpaEngine(url, expected_revision="sha256:expected")
    with pytest.raises(EngineError, match="runs OPA 0.0.1") as info:
        engine.evaluate(_input("credit-complete.json", "merge"))
    assert info.value.exit_code == 3


@pytest.mark.parametrize("mode", ["other-revision", "two-bundles", "no-provenance"])
def test_server_with_other_policies_is_refused(stub_server, mode: str) -> None:  # type: ignore[no-untyped-def]
    """Row 16: a server running another policy revision (or not saying which) does not decide."""
    url, handler = stub_server
    handler.mode = mode
    engine = ServerOpaEngine(url, expected_revision="sha256:expected")
    with pytest.raises(EngineError) as info:
        engine.evaluate(_input("credit-complete.json", "merge"))
    assert "revision" in info.value.message or "provenance" in info.value.message


def test_redirect_is_not_followed(stub_server, opa_server: OpaServer) -> None:  # type: ignore[no-untyped-def]
    """Row 17: a redirect to another host (here a real OPA with the real policies) is refused."""
    url, handler = stub_server
    handler.mode = "redirect"
    handler.target = opa_server.url
    with pytest.raises(EngineError, match="does not follow redirects"):
        ServerOpaEngine(url).evaluate(_input("credit-complete.json", "merge"))
    assert handler.hits == 1


def test_dripping_server_hits_one_deadline(stub_server) -> None:  # type: ignore[no-untyped-def]
    """A chunked answer dripped slower than the deadline times out, though no read is slow."""
    url, handler = stub_server
    handler.mode = "drip"
    engine = ServerOpaEngine(url, timeout=1.0, retries=0)
    started = time.monotonic()
    with pytest.raises(EngineError, match="did not answer within 1s"):
        engine.evaluate(_input("credit-complete.json", "merge"))
    assert time.monotonic() - started < 5


def test_cli_refuses_a_server_with_other_policies(opa: OpaBinary, tmp_path: Path) -> None:
    """Row 16 end to end: a real OPA server holding a changed copy of the policies."""
    import subprocess
    import sys

    from conftest import ROOT, asset, copy_policies

    changed = copy_policies(tmp_path)
    (changed / "gate" / "extra.json").write_text('{"note": "changed"}', "utf-8")
    build_bundle(opa.path, PolicySource(changed), tmp_path / "changed.tar.gz")
    server = OpaServer(opa, tmp_path / "changed.tar.gz")
    try:
        out = subprocess.run(
            [sys.executable, "-m", "gate", "check", "--bundle",
             str(asset("bundles", "credit-complete.json")), "--stage", "merge",
             "--now", NOW, "--opa-url", server.url],
            capture_output=True, text=True, cwd=ROOT, check=False, timeout=120,
        )  # fmt: skip
    finally:
        server.stop()
    assert out.returncode == 3, out.stdout + out.stderr
    assert "not the expected" in out.stderr


def test_many_inputs_come_back_in_input_order(opa_server: OpaServer) -> None:
    """A batch against a server goes over one connection per core; each answer must still
    be the one of its own input: merge allows the complete bundles, production denies them
    (no approvals in the bundle), whatever the lane that asked."""
    inputs = [_input(name, stage) for stage in ("merge", "production") for name in BUNDLES] * 3
    engine = ServerOpaEngine(opa_server.url)
    results = engine.evaluate_many(inputs)
    got = [(r.value["allow"], r.value["stage"]) for r in results]
    assert got == [(i["stage"] == "merge", i["stage"]) for i in inputs]
    assert [r.value for r in results] == [engine.evaluate(i).value for i in inputs]


def test_a_failure_in_one_lane_fails_the_batch_and_stops_the_others(stub_server) -> None:  # type: ignore[no-untyped-def]
    url, handler = stub_server
    handler.mode = "fails-5th"
    engine = ServerOpaEngine(url, retries=0, expected_revision="sha256:expected")
    with pytest.raises(EngineError) as info:
        engine.evaluate_many([_input("credit-complete.json", "merge")] * 40)
    assert "404" in str(info.value.message) + str(info.value.detail)
    assert handler.hits <= 15  # the other lanes stopped at their next input, not at 40
