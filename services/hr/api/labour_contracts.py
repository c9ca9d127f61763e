"""``/api/v1/hr/labour-contracts``."""

import uuid
from typing import Annotated

from fastapi import Query, Request, Response
from sqlalchemy import select

from services.hr.api.deps import Today, ViewerDep
from services.hr.db.people import LabourContract, Onboarding
from services.hr.domain import labour_contracts as contract_rules
from services.hr.domain import onboarding as onboarding_rules
from services.hr.people_schemas import (
    ContractKind,
    ContractStatus,
    LabourContractCreate,
    LabourContractRead,
    LabourContractRenew,
    LabourContractTerminate,
)
from shared.contracts.page import Page
from shared.kit.concurrency import check_if_match, set_etag
from shared.kit.pagination import PageParams, paginate, sorted_by
from shared.kit.params import me_or_id_query, parse_me_or_id
from shared.kit.routing import SessionDep, runtime_of, service_router

router = service_router(prefix="/api/v1/hr", tags=["hr: labour contracts"])


async def _settle_onboarding(request: Request, session: SessionDep, employee_id: uuid.UUID) -> None:
    """A contract completing a new hire's checklist makes them active in org (after commit)."""
    onboarding = await session.scalar(
        select(Onboarding).where(
            Onboarding.employee_id == employee_id, Onboarding.org_retry_at.is_not(None)
        )
    )
    if onboarding is not None:
        runtime = runtime_of(request)
        await runtime.commit(session)
        await onboarding_rules.sync(session, runtime.service_client, onboarding)


@router.post(
    "/labour-contracts",
    status_code=201,
    response_model=LabourContractRead,
    summary="Record a labour contract",
    responses={409: {"description": "Another contract is in force (`labour_contract_overlap`)."}},
)
async def create_labour_contract(
    payload: LabourContractCreate,
    request: Request,
    response: Response,
    session: SessionDep,
    viewer: ViewerDep,
) -> LabourContract:
    """Record a contract (HR). A new hire's contract ticks their onboarding checklist."""
    contract = await contract_rules.sign(session, viewer, payload.model_dump())
    await _settle_onboarding(request, session, contract.employee_id)
    response.headers["Location"] = f"/api/v1/hr/labour-contracts/{contract.id}"
    set_etag(response, contract.version)
    return contract


@router.get(
    "/labour-contracts", response_model=Page[LabourContractRead], summary="List labour contracts"
)
async def list_labour_contracts(
    session: SessionDep,
    viewer: ViewerDep,
    params: Annotated[PageParams, sorted_by("start_date", "created_at")],
    today: Today,
    employee_id: Annotated[str | None, me_or_id_query()] = None,
    kind: ContractKind | None = None,
    status: ContractStatus | None = None,
    expiring_within_days: Annotated[
        int | None,
        Query(ge=0, le=3650, description="Active contracts ending within this many days."),
    ] = None,
) -> Page[LabourContractRead]:
    """HR, admins and auditors see every contract; an employee their own."""
    target = None
    if employee_id:
        target = parse_me_or_id(employee_id) or viewer.employee_id or uuid.UUID(int=0)
    return await paginate(
        session,
        contract_rules.contract_query(
            viewer,
            today,
            employee_id=target,
            kind=kind,
            status=status,
            expiring_within_days=expiring_within_days,
        ),
        params,
        sortable={"start_date": LabourContract.start_date, "created_at": LabourContract.created_at},
        id_column=LabourContract.id,
        default_sort="-start_date",
        to_item=LabourContractRead.model_validate,
    )


@router.get(
    "/labour-contracts/{contract_id}",
    response_model=LabourContractRead,
    summary="Read a labour contract",
)
async def read_labour_contract(
    contract_id: uuid.UUID, response: Response, session: SessionDep, viewer: ViewerDep
) -> LabourContract:
    """One contract the caller may see (404 otherwise)."""
    contract = await contract_rules.get(session, viewer, contract_id)
    set_etag(response, contract.version)
    return contract


@router.get(
    "/labour-contracts/{contract_id}/history",
    response_model=list[LabourContractRead],
    summary="A contract's renewals",
)
async def read_labour_contract_history(
    contract_id: uuid.UUID, session: SessionDep, viewer: ViewerDep
) -> list[LabourContract]:
    """The chain of contracts this one belongs to, first to latest."""
    contract = await contract_rules.get(session, viewer, contract_id)
    return await contract_rules.history(session, contract)


@router.post(
    "/labour-contracts/{contract_id}/renew",
    status_code=201,
    response_model=LabourContractRead,
    summary="Renew a labour contract",
    responses={
        409: {
            "description": "A third fixed-term contract in a row without `override_reason` "
            "(`open_ended_contract_required`), an overlap, or a contract already renewed."
        }
    },
)
async def renew_labour_contract(
    contract_id: uuid.UUID,
    payload: LabourContractRenew,
    request: Request,
    response: Response,
    session: SessionDep,
    viewer: ViewerDep,
) -> LabourContract:
    """Record the contract that follows (HR); the previous one is kept as ``renewed``. The
    answer's ``open_ended_required_next`` is true after a second fixed-term contract in a row."""
    previous = await contract_rules.get(session, viewer, contract_id)
    check_if_match(request, previous.version)
    contract = await contract_rules.renew(
        session, viewer, previous, payload.model_dump(exclude_none=True)
    )
    response.headers["Location"] = f"/api/v1/hr/labour-contracts/{contract.id}"
    set_etag(response, contract.version)
    return contract


@router.post(
    "/labour-contracts/{contract_id}/terminate",
    response_model=LabourContractRead,
    summary="Terminate a labour contract",
)
async def terminate_labour_contract(
    contract_id: uuid.UUID,
    payload: LabourContractTerminate,
    request: Request,
    response: Response,
    session: SessionDep,
    viewer: ViewerDep,
) -> LabourContract:
    """End an active contract on a day within it, with the reason (HR)."""
    contract = await contract_rules.get(session, viewer, contract_id)
    check_if_match(request, contract.version)
    contract = await contract_rules.terminate(
        session, viewer, contract, payload.terminated_on, payload.reason
    )
    set_etag(response, contract.version)
    return contract
