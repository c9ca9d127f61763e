"""The service kit: everything a FastAPI service of officina needs, written once."""
