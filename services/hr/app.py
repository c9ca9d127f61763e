"""Application factory of the hr service (``uvicorn services.hr.app:create_app --factory``)."""

from fastapi import FastAPI

from services.hr.api import ROUTERS
from services.hr.config import HrSettings
from services.hr.db.models import KIT, Base
from shared.kit.app import create_service_app
from shared.kit.tokens import TokenVerifier

DESCRIPTION = (
    "Recruitment, contracts, training, performance, payroll, leave and employee relations."
)


def create_app(
    settings: HrSettings | None = None, verifier: TokenVerifier | None = None
) -> FastAPI:
    """Build the hr service."""
    return create_service_app(
        settings or HrSettings(),
        metadata=Base.metadata,
        tables=KIT,
        routers=ROUTERS,
        title="officina hr",
        description=DESCRIPTION,
        verifier=verifier,
    )
