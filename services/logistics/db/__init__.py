"""Persistence of the logistics service."""
