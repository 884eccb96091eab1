"""Policy engines: the real OPA, run locally as a subprocess or reached as a server.

The server engine is imported on first use: its HTTP client stack costs a few hundred
milliseconds of start-up that a local evaluation should not pay.
"""

from typing import Any

from gate.engine.interface import EngineResult, PolicyEngine
from gate.engine.local import LocalOpaEngine

__all__ = ["EngineResult", "LocalOpaEngine", "PolicyEngine", "ServerOpaEngine"]


def __getattr__(name: str) -> Any:
    if name == "ServerOpaEngine":
        from gate.engine.server import ServerOpaEngine

        return ServerOpaEngine
    raise AttributeError(name)
