"""``/api/v1/hr/onboardings``: the checklist of new hires and where org stands."""

import uuid
from typing import Annotated

from fastapi import Request, Response

from services.hr.api.deps import ViewerDep
from services.hr.db.people import Onboarding
from services.hr.domain import onboarding as onboarding_rules
from services.hr.people_schemas import (
    ChecklistEntry,
    ChecklistUpdate,
    OnboardingRead,
    OnboardingStatus,
)
from shared.contracts.page import Page
from shared.kit.concurrency import check_if_match, set_etag
from shared.kit.pagination import PageParams, paginate, sorted_by
from shared.kit.routing import SessionDep, runtime_of, service_router

router = service_router(prefix="/api/v1/hr", tags=["hr: onboarding"])


def onboarding_read(onboarding: Onboarding) -> OnboardingRead:
    """An onboarding with its checklist."""
    return OnboardingRead(
        id=onboarding.id,
        offer_id=onboarding.offer_id,
        candidate_id=onboarding.candidate_id,
        department_id=onboarding.department_id,
        name=onboarding.name,
        employee_number=onboarding.employee_number,
        start_date=onboarding.start_date,
        employee_id=onboarding.employee_id,
        org_status=onboarding.org_status,
        org_error=onboarding.org_error,
        status=onboarding.status,
        checklist=[
            ChecklistEntry(
                item=item,
                done=getattr(onboarding, column) is not None,
                done_at=getattr(onboarding, column),
            )
            for item, column in onboarding_rules.CHECKLIST.items()
        ],
        completed_at=onboarding.completed_at,
        created_at=onboarding.created_at,
        updated_at=onboarding.updated_at,
        version=onboarding.version,
    )


@router.get("/onboardings", response_model=Page[OnboardingRead], summary="List onboardings")
async def list_onboardings(
    session: SessionDep,
    viewer: ViewerDep,
    params: Annotated[PageParams, sorted_by("created_at", "start_date")],
    status: OnboardingStatus | None = None,
) -> Page[OnboardingRead]:
    """HR, auditors and the department's head."""
    return await paginate(
        session,
        onboarding_rules.onboarding_query(viewer, status=status),
        params,
        sortable={"created_at": Onboarding.created_at, "start_date": Onboarding.start_date},
        id_column=Onboarding.id,
        default_sort="-created_at",
        to_item=onboarding_read,
    )


@router.get(
    "/onboardings/{onboarding_id}", response_model=OnboardingRead, summary="Read an onboarding"
)
async def read_onboarding(
    onboarding_id: uuid.UUID, response: Response, session: SessionDep, viewer: ViewerDep
) -> OnboardingRead:
    """One onboarding the caller may see (404 otherwise)."""
    onboarding = await onboarding_rules.get(session, viewer, onboarding_id)
    set_etag(response, onboarding.version)
    return onboarding_read(onboarding)


@router.patch(
    "/onboardings/{onboarding_id}",
    response_model=OnboardingRead,
    summary="Tick checklist items",
)
async def update_onboarding(
    onboarding_id: uuid.UUID,
    payload: ChecklistUpdate,
    request: Request,
    response: Response,
    session: SessionDep,
    viewer: ViewerDep,
) -> OnboardingRead:
    """Mark items done or not (HR; honours If-Match). Signing the new hire's labour contract
    ticks ``labour_contract_signed`` by itself. When every item is done the employee is made
    ``active`` in org (retried until org answers) and the onboarding is ``completed``."""
    onboarding = await onboarding_rules.get(session, viewer, onboarding_id)
    check_if_match(request, onboarding.version)
    onboarding = await onboarding_rules.tick(
        session, viewer, onboarding, payload.model_dump(exclude_none=True)
    )
    if onboarding.org_retry_at is not None:
        runtime = runtime_of(request)
        await runtime.commit(session)
        await onboarding_rules.sync(session, runtime.service_client, onboarding)
    set_etag(response, onboarding.version)
    return onboarding_read(onboarding)
