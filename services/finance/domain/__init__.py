"""Business rules of the finance service (no FastAPI imports)."""
