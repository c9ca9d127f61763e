"""Application factory of the logistics service (``uvicorn services.logistics.app:create_app --factory``)."""

from fastapi import FastAPI

from services.logistics.api import ROUTERS
from services.logistics.config import LogisticsSettings
from services.logistics.db.models import KIT, Base
from shared.kit.app import create_service_app
from shared.kit.tokens import TokenVerifier

DESCRIPTION = (
    "Offices and facilities, supplies and inventory, meetings, events, vehicles and travel."
)


def create_app(
    settings: LogisticsSettings | None = None, verifier: TokenVerifier | None = None
) -> FastAPI:
    """Build the logistics service."""
    return create_service_app(
        settings or LogisticsSettings(),
        metadata=Base.metadata,
        tables=KIT,
        routers=ROUTERS,
        title="officina logistics",
        description=DESCRIPTION,
        verifier=verifier,
    )
