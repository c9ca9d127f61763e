"""HTTP routers of the org service, all under ``/api/v1/org``."""

from fastapi import APIRouter

from services.org.api import company, departments, documents, employees, parties, positions

ROUTERS: list[APIRouter] = [
    company.router,
    departments.router,
    positions.router,
    employees.router,
    parties.router,
    documents.router,
]
