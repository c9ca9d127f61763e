"""logistics's reference and demo data, one module per area, loaded in this order."""

from services.logistics.seed import company_events, facilities, meetings, supplies, travel, vehicles

AREAS = (
    facilities,
    supplies,
    meetings,
    company_events,
    vehicles,
    travel,
)
