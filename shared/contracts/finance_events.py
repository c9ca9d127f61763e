"""Payloads of the events finance publishes about its ledger: journal entries, periods, accounts."""

from shared.contracts.events import EventPayload, event_contract

__all__ = ["EventPayload", "event_contract"]
