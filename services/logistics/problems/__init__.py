"""logistics's problem codes: the one list of what logistics refuses, and why.

Each area lists its own codes in its module here; ``COMMON`` holds those several areas raise.
An area may list a code another area lists too (``no_employee``), with its own meaning but never
another status; the registry keeps the first meaning.
The docs pages ``docs/services/logistics*.md`` list exactly this registry, each area its own table.
"""

from services.logistics.problems import (
    company_events,
    facilities,
    meetings,
    supplies,
    travel,
    vehicles,
)
from shared.kit.problems import KIT_CODES, P, ProblemCode, merged_registry

COMMON: tuple[ProblemCode, ...] = (
    P("logistics_only", 403, "only logistics staff (or an admin) may do this"),
    P("validation_error", 422, "a value the service refuses beyond its schema"),
)


CODES = merged_registry(
    *COMMON,
    *facilities.CODES,
    *supplies.CODES,
    *meetings.CODES,
    *company_events.CODES,
    *vehicles.CODES,
    *travel.CODES,
    base=KIT_CODES,
)
