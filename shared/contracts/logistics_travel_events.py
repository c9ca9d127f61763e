"""Payloads of the events logistics publishes about business travel."""

from shared.contracts.events import EventPayload, event_contract

__all__ = ["EventPayload", "event_contract"]
