"""Persistence of the org service."""
