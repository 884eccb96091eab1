"""Evidence collection: build a bundle from a repository's files, git and CI.

Usage::

    from gate.collect import CollectOptions, collect

    result = collect(CollectOptions(repo=Path("."), env=os.environ))
    write_atomic(Path("evidence/bundle.json"), result.data)
"""

from gate.collect.collector import CollectOptions, CollectResult, collect, serialise

__all__ = ["CollectOptions", "CollectResult", "collect", "serialise"]
