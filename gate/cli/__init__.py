"""The command line, one module per command group; `root` holds the `mrm-gate` group."""

from gate.cli.root import cli, main

__all__ = ["cli", "main"]
