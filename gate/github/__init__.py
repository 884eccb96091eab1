"""GitHub integration: approvals collected from pull requests, and decisions published as a
check run, one sticky comment, the job summary and step outputs.

Usage from the CLI: ``mrm-gate check --github`` (collection, see :mod:`gate.github.collect`)
and ``mrm-gate report`` (publishing, see :mod:`gate.github.report`).
"""

from gate.github.client import GitHubSettings, RoleTeams
from gate.github.collect import collector_from_env
from gate.github.commands import Command, parse_commands

__all__ = ["Command", "GitHubSettings", "RoleTeams", "collector_from_env", "parse_commands"]
