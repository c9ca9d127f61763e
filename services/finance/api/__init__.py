"""HTTP routers of the finance service, all under ``/api/v1/finance``."""

from fastapi import APIRouter

ROUTERS: list[APIRouter] = []
