"""HTTP routers of the hr service, all under ``/api/v1/hr``."""

from fastapi import APIRouter

from services.hr.api import (
    calendars,
    interviews,
    labour_contracts,
    leave,
    onboarding,
    performance,
    recruitment,
    relations,
    training,
)

ROUTERS: list[APIRouter] = [
    calendars.router,
    leave.router,
    recruitment.router,
    interviews.router,
    onboarding.router,
    labour_contracts.router,
    performance.router,
    relations.router,
    training.router,
]
