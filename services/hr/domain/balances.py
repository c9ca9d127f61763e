"""Leave balances: the yearly allocation (idempotent) and HR's audited adjustments."""

import uuid
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.hr.db.models import BalanceAdjustment, LeaveBalance
from services.hr.domain import allocation, directory
from shared.contracts.principal import Principal
from shared.kit.db import utcnow
from shared.kit.errors import Conflict, Unprocessable, not_found

HALF_DAY = Decimal("0.5")
REASON_LENGTH = 500


def is_whole_or_half_days(days: Decimal) -> bool:
    """True for a non-zero number of whole or half days (0.5, 1, -2.5…)."""
    return days.is_finite() and days != 0 and days % HALF_DAY == 0


async def allocate(session: AsyncSession, year: int) -> dict[str, int]:
    """Give every current employee their balances for ``year`` (idempotent; see
    :mod:`services.hr.domain.allocation`)."""
    return await allocation.allocate(session, year)


async def adjust(
    session: AsyncSession, held: LeaveBalance, delta: Decimal, reason: str, actor: str
) -> LeaveBalance:
    """Add (or take away) whole or half days with a reason (stripped, not blank); the balance
    never drops below what is used and pending."""
    reason = reason.strip()
    if not is_whole_or_half_days(delta):
        raise Unprocessable(
            "an adjustment is a non-zero number of whole or half days", code="validation_error"
        )
    if not reason or len(reason) > REASON_LENGTH:
        raise Unprocessable(
            f"an adjustment needs a reason of 1 to {REASON_LENGTH} characters",
            code="validation_error",
        )
    if held.remaining + delta < 0:
        raise Conflict(
            f"the balance has {held.remaining} day(s) free; it cannot lose {-delta}",
            code="balance_would_go_negative",
        )
    held.adjusted += delta
    session.add(
        BalanceAdjustment(
            balance_id=held.id, delta=delta, reason=reason, created_by=actor, created_at=utcnow()
        )
    )
    await session.flush()
    return held


async def balances_of(
    session: AsyncSession, employee_id: uuid.UUID, year: int
) -> list[LeaveBalance]:
    """An employee's balances of a year."""
    return list(
        (
            await session.scalars(
                select(LeaveBalance)
                .where(LeaveBalance.employee_id == employee_id, LeaveBalance.year == year)
                .order_by(LeaveBalance.leave_type)
            )
        ).all()
    )


async def visible_balances(
    session: AsyncSession, principal: Principal, employee_id: uuid.UUID | None, year: int
) -> list[LeaveBalance]:
    """An employee's balances of a year, if the caller may see that person's (404 otherwise);
    ``employee_id`` None means the caller, who must then be an employee."""
    if employee_id is None:
        raise Unprocessable("this account is not linked to an employee", code="no_employee")
    people = await directory.people_of(session, principal)
    if people is not None and employee_id not in people:
        raise not_found("employee", employee_id)
    return await balances_of(session, employee_id, year)


async def get(session: AsyncSession, balance_id: uuid.UUID) -> LeaveBalance:
    """A balance by id (404 otherwise)."""
    held = await session.get(LeaveBalance, balance_id)
    if held is None:
        raise not_found("balance", balance_id)
    return held
