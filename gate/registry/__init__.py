"""The model registry as the compliance record: what pipelines log to MLflow, promotion
through the gate only, and tracing a production decision back to its model."""
