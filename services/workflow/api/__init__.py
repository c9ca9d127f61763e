"""HTTP routers of the workflow service, all under ``/api/v1/workflow``."""

from fastapi import APIRouter

from services.workflow.api import definitions, instances, notifications, people, tasks

ROUTERS: list[APIRouter] = [
    definitions.router,
    instances.router,
    tasks.router,
    notifications.router,
    people.router,
]
