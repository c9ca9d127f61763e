"""Payloads of the events finance publishes about invoices and payments."""

from shared.contracts.events import EventPayload, event_contract

__all__ = ["EventPayload", "event_contract"]
