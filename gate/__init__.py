"""mrm-gate: a policy-as-code gate for machine-learning models in regulated industries."""

__version__ = "0.1.0"

__all__ = ["__version__"]
