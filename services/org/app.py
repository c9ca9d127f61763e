"""Application factory of the org service (``uvicorn services.org.app:create_app --factory``)."""

from fastapi import FastAPI

from services.org.api import ROUTERS
from services.org.config import OrgSettings
from services.org.db.models import KIT, Base
from shared.kit.app import create_service_app
from shared.kit.tokens import TokenVerifier

DESCRIPTION = (
    "Company profile, departments, positions, employees, external parties and company documents."
)


def create_app(
    settings: OrgSettings | None = None, verifier: TokenVerifier | None = None
) -> FastAPI:
    """Build the org service."""
    return create_service_app(
        settings or OrgSettings(),
        metadata=Base.metadata,
        tables=KIT,
        routers=ROUTERS,
        title="officina org",
        description=DESCRIPTION,
        verifier=verifier,
    )
