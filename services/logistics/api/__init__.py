"""HTTP routers of the logistics service, all under ``/api/v1/logistics``."""

from fastapi import APIRouter

from services.logistics.api import company_events, facilities, meetings, supplies, travel, vehicles

ROUTERS: list[APIRouter] = [
    facilities.router,
    supplies.router,
    meetings.router,
    company_events.router,
    vehicles.router,
    travel.router,
]
