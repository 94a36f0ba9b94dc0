"""emopipe: a Dagster-orchestrated pipeline for emotion representation learning."""

__version__ = "0.1.0"
