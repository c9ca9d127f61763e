"""Events the logistics service publishes on its feed and the feeds it consumes.

The payload of each type is its model in ``shared.contracts`` (see docs/events.md).
"""

from shared.contracts.events import event_types_of

PUBLISHES: tuple[str, ...] = event_types_of("logistics")
CONSUMES: tuple[str, ...] = ()
