"""Business rules of the hr service (no FastAPI imports)."""
