"""Payloads of the events logistics publishes about facilities, repairs, supplies, purchases and requisitions."""

from shared.contracts.events import EventPayload, event_contract

__all__ = ["EventPayload", "event_contract"]
