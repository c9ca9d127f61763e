"""Payloads of the events logistics publishes about rooms, bookings, meetings, company events and vehicles."""

from shared.contracts.events import EventPayload, event_contract

__all__ = ["EventPayload", "event_contract"]
