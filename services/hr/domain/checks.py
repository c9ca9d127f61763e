"""Background checks of candidates: recorded by HR, the latest one counts, and an offer needs a
passed one unless the hiring plan waives it."""

import uuid
from datetime import date

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.hr.db.people import Application, BackgroundCheck, HiringPlan
from services.hr.domain import people_access as access
from services.hr.domain.people_access import Viewer
from shared.contracts.hr_people_events import BackgroundCheckRecorded
from shared.kit.db import utcnow
from shared.kit.errors import Conflict
from shared.kit.outbox import record_event


async def record(
    session: AsyncSession,
    viewer: Viewer,
    application: Application,
    *,
    checker: str,
    result: str,
    checked_on: date,
    notes: str,
) -> BackgroundCheck:
    """Record a check's result (HR); a closed application is 409."""
    viewer.require_manager("background checks")
    if application.stage in ("hired", "rejected", "withdrawn"):
        raise Conflict(f"the application is {application.stage}", code="invalid_stage_transition")
    check = BackgroundCheck(
        application_id=application.id,
        checker=checker,
        result=result,
        checked_on=checked_on,
        notes=notes,
        created_at=utcnow(),
        created_by=viewer.principal.sub,
    )
    session.add(check)
    await session.flush()
    await record_event(
        session,
        BackgroundCheckRecorded.event_type,
        subject_type="background_check",
        subject_id=check.id,
        data=BackgroundCheckRecorded(
            application_id=application.id, result=result, checked_on=checked_on
        ),
    )
    return check


async def latest(session: AsyncSession, application_id: uuid.UUID) -> BackgroundCheck | None:
    """The application's most recent check."""
    return await session.scalar(
        select(BackgroundCheck)
        .where(BackgroundCheck.application_id == application_id)
        .order_by(
            BackgroundCheck.checked_on.desc(),
            BackgroundCheck.created_at.desc(),
            BackgroundCheck.id.desc(),
        )
        .limit(1)
    )


async def require_passed(session: AsyncSession, application: Application) -> None:
    """409 ``background_check_required`` unless the latest check passed or the plan waives it."""
    plan = await session.get(HiringPlan, application.hiring_plan_id)
    assert plan is not None
    if plan.background_check_waived:
        return
    check = await latest(session, application.id)
    if check is None or check.result != "passed":
        raise Conflict(
            "an offer needs a passed background check first"
            + (f" (the latest is {check.result})" if check else ""),
            code="background_check_required",
        )


def check_query(viewer: Viewer, application_id: uuid.UUID | None) -> Select[tuple[BackgroundCheck]]:
    """The checks the caller may see."""
    query = select(BackgroundCheck).where(access.checks(viewer))
    if application_id:
        query = query.where(BackgroundCheck.application_id == application_id)
    return query
