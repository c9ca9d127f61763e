"""HTTP routers of the hr service, all under ``/api/v1/hr``."""

from fastapi import APIRouter

ROUTERS: list[APIRouter] = []
