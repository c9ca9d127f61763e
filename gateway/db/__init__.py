"""Persistence of the gateway: accounts, clients, refresh tokens (schema ``gateway``)."""
