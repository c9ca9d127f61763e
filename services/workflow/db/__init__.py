"""Persistence of the workflow service."""
