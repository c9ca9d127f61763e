"""HTTP routers of the hr service, all under ``/api/v1/hr``."""

from fastapi import APIRouter

from services.hr.api import calendars, leave

ROUTERS: list[APIRouter] = [calendars.router, leave.router]
