"""HTTP routers of the logistics service, all under ``/api/v1/logistics``."""

from fastapi import APIRouter

ROUTERS: list[APIRouter] = []
