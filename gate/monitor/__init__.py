"""Production monitoring: population stability, disparate impact and outcome analysis of a
window of production predictions, turned into ``monitoring.latest`` evidence and judged by
the same policies at stage ``monitoring``. See docs/monitoring.md."""

from gate.monitor.plan import Plan, read_plan
from gate.monitor.run import Options, Result, compute

__all__ = ["Options", "Plan", "Result", "compute", "read_plan"]
