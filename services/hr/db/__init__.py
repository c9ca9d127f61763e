"""Persistence of the hr service."""
