"""Business rules of the workflow service (no FastAPI imports)."""
