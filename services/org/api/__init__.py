"""HTTP routers of the org service, all under ``/api/v1/org``."""

from fastapi import APIRouter

ROUTERS: list[APIRouter] = []
