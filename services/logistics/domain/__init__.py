"""Business rules of the logistics service (no FastAPI imports)."""
