"""Payloads of the events hr publishes about recruitment, onboarding and labour contracts."""

from shared.contracts.events import EventPayload, event_contract

__all__ = ["EventPayload", "event_contract"]
