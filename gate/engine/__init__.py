"""Policy engines: the real OPA, run locally as a subprocess or reached as a server."""

from gate.engine.interface import EngineResult, PolicyEngine
from gate.engine.local import LocalOpaEngine
from gate.engine.server import ServerOpaEngine

__all__ = ["EngineResult", "LocalOpaEngine", "PolicyEngine", "ServerOpaEngine"]
