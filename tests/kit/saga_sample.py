"""A second approval-backed record on the kit saga: an equipment request approved in workflow.

Everything a service writes for one approval-backed record is here — the record, how it is
described to workflow, what each outcome does, and two routes. Committing before the start,
the idempotency key, the sweep, withdrawal and the outcome consumer come from the kit.
"""

import uuid
from collections.abc import Awaitable, Callable
from decimal import Decimal

from fastapi import FastAPI, Request
from pydantic import BaseModel, ConfigDict
from sqlalchemy import Numeric, String
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from shared.contracts.money import Money
from shared.kit.app import create_service_app
from shared.kit.approvals import Approval, ApprovalRecord, ApprovalSaga, StartRequest
from shared.kit.audit import Audited
from shared.kit.auth import CurrentPrincipal
from shared.kit.db import IdMixin, KitBase, TimestampMixin, VersionedMixin, new_metadata
from shared.kit.errors import Conflict, not_found
from shared.kit.routing import SessionDep, runtime_of, service_router
from shared.kit.settings import ServiceSettings
from shared.kit.tables import define_kit_tables
from shared.kit.tokens import TokenVerifier


class Base(KitBase):
    __abstract__ = True
    metadata = new_metadata()


KIT = define_kit_tables(Base.metadata)


class EquipmentRequest(IdMixin, TimestampMixin, VersionedMixin, ApprovalRecord, Audited, Base):
    __tablename__ = "equipment_requests"

    employee_id: Mapped[uuid.UUID]
    item: Mapped[str] = mapped_column(String(200))
    price: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    # pending | approved | rejected | withdrawn | approval_refused | cancelled
    status: Mapped[str] = mapped_column(String(20), default="pending")
    instance_id: Mapped[uuid.UUID | None] = mapped_column(default=None)


# ---- the saga: tens of lines ------------------------------------------------------------------


async def describe(session: AsyncSession, request: EquipmentRequest) -> StartRequest:
    return StartRequest(
        requester_employee_id=request.employee_id,
        title=f"申领设备：{request.item}",
        summary=f"{request.item}, ¥{request.price}",
        data={"amount": str(request.price)},  # what the definition's conditions read
    )


def becomes(status: str) -> Callable[[AsyncSession, EquipmentRequest], Awaitable[None]]:
    async def apply(session: AsyncSession, request: EquipmentRequest) -> None:
        request.status = status  # a real service would also record its event here

    return apply


APPROVAL: Approval[EquipmentRequest] = Approval(
    subject_type="equipment_request",
    definition_key="purchase",
    instance_attr="instance_id",
    is_open=lambda request: request.status == "pending",
    describe=describe,
    outcomes={name: becomes(name) for name in ("approved", "rejected", "withdrawn")},
    refused=becomes("approval_refused"),
)
SAGA = ApprovalSaga("kitsaga", EquipmentRequest, [APPROVAL])


# ---- two routes ------------------------------------------------------------------------------


class EquipmentRequestCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    item: str
    price: Money


class EquipmentRequestRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    item: str
    price: Money
    status: str
    instance_id: uuid.UUID | None
    version: int


router = service_router(prefix="/api/v1/kitsaga", tags=["kitsaga"])


@router.post("/equipment-requests", status_code=201, response_model=EquipmentRequestRead)
async def ask(
    payload: EquipmentRequestCreate, http: Request, session: SessionDep, who: CurrentPrincipal
) -> EquipmentRequest:
    assert who.employee_id is not None
    request = EquipmentRequest(employee_id=who.employee_id, **payload.model_dump())
    SAGA.begin(request, APPROVAL)  # awaiting its approval, in the transaction that records it
    session.add(request)
    await session.flush()
    await SAGA.commit_and_start(runtime_of(http), session, http.app.state.workflow, request)
    return request


@router.post("/equipment-requests/{request_id}/cancel", response_model=EquipmentRequestRead)
async def cancel(
    request_id: uuid.UUID, http: Request, session: SessionDep, _who: CurrentPrincipal
) -> EquipmentRequest:
    request = await session.get(EquipmentRequest, request_id)
    if request is None:
        raise not_found("equipment request", request_id)
    if request.status != "pending":
        raise Conflict(f"a {request.status} request cannot be cancelled", code="not_pending")
    request.status = "cancelled"
    await session.flush()  # written (and locked) before workflow is asked to withdraw
    await SAGA.withdraw(session, http.app.state.workflow, request, APPROVAL)
    return request


def create_app(database_url: str, schema: str, verifier: TokenVerifier) -> FastAPI:
    """The sample service; a test sets ``app.state.workflow`` to its workflow client."""
    settings = ServiceSettings(service="kitsaga", database_url=database_url, database_schema=schema)
    return create_service_app(
        settings, metadata=Base.metadata, tables=KIT, routers=[router], verifier=verifier
    )
