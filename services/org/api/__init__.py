"""HTTP routers of the org service, all under ``/api/v1/org``."""

from fastapi import APIRouter

from services.org.api import company, departments, documents, employees, parties, positions

# In matching order: the directory is read far more than anything else.
ROUTERS: list[APIRouter] = [
    employees.router,
    company.router,
    departments.router,
    positions.router,
    parties.router,
    documents.router,
]
