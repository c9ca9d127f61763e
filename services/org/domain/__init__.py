"""Business rules of the org service (no FastAPI imports)."""
