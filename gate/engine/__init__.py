"""Policy engines: the real OPA, run locally as a subprocess or reached as a server.

Both engines are imported on first use, so importing one module of this package (the
interface, which every decision imports) loads neither: the server's HTTP client stack is
not paid by a local evaluation, nor the local OPA toolchain by a check against a server.
"""

import importlib
from typing import Any

from gate.engine.interface import EngineResult, PolicyEngine

__all__ = ["EngineResult", "LocalOpaEngine", "PolicyEngine", "ServerOpaEngine"]

_LAZY = {"LocalOpaEngine": "gate.engine.local", "ServerOpaEngine": "gate.engine.server"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(name)
