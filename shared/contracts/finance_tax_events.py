"""Payloads of the events finance publishes about tax filings and posting exceptions."""

from shared.contracts.events import EventPayload, event_contract

__all__ = ["EventPayload", "event_contract"]
