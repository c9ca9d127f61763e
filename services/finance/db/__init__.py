"""Persistence of the finance service."""
