"""Payloads of the events finance publishes about budgets, expense claims and spending requests."""

from shared.contracts.events import EventPayload, event_contract

__all__ = ["EventPayload", "event_contract"]
