"""Application factory of the finance service (``uvicorn services.finance.app:create_app --factory``)."""

from fastapi import FastAPI

from services.finance.api import ROUTERS
from services.finance.config import FinanceSettings
from services.finance.db.models import KIT, Base
from shared.kit.app import create_service_app
from shared.kit.tokens import TokenVerifier

DESCRIPTION = "Budgets, expense claims and payments, double-entry accounting, statements and tax."


def create_app(
    settings: FinanceSettings | None = None, verifier: TokenVerifier | None = None
) -> FastAPI:
    """Build the finance service."""
    return create_service_app(
        settings or FinanceSettings(),
        metadata=Base.metadata,
        tables=KIT,
        routers=ROUTERS,
        title="officina finance",
        description=DESCRIPTION,
        verifier=verifier,
    )
