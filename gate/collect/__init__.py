"""Evidence collection: build a bundle from a repository's files, git and CI.

Usage::

    from gate.collect import CollectOptions, collect

    result = collect(CollectOptions(repo=Path("."), env=os.environ))
    write_atomic(Path("evidence/bundle.json"), result.data)
"""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gate.collect.collector import CollectOptions, CollectResult, collect, serialise

__all__ = ["CollectOptions", "CollectResult", "collect", "serialise"]


def __getattr__(name: str) -> Any:
    # Imported on first use: `gate.collect.hashing` alone (hashing a 1 GiB artefact) must
    # not pay the collector's imports (git, CI and GitHub clients, about a second).
    if name in __all__:
        from gate.collect import collector

        return getattr(collector, name)
    raise AttributeError(f"module 'gate.collect' has no attribute {name!r}")
