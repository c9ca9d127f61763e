"""HTTP routers of the workflow service, all under ``/api/v1/workflow``."""

from fastapi import APIRouter

ROUTERS: list[APIRouter] = []
