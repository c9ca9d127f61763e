"""Accounts, clients and tokens: the gateway's authentication domain."""
