"""Leave balances: the yearly allocation (idempotent) and HR's audited adjustments."""

import uuid
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.hr.db.models import BalanceAdjustment, Employee, LeaveBalance, LeaveType
from services.hr.domain.entitlement import annual_leave_entitlement
from shared.kit.db import utcnow
from shared.kit.errors import Conflict, Unprocessable

CURRENT = ("onboarding", "active", "on_leave")


async def allocate(session: AsyncSession, year: int) -> dict[str, int]:
    """Give every current employee their balances for ``year``: statutory annual leave computed
    from the work start and hire dates, 0 for other balance types. Running it again changes
    nothing except correcting an annual entitlement whose inputs changed."""
    employees = (await session.scalars(select(Employee).where(Employee.status.in_(CURRENT)))).all()
    kinds = (await session.scalars(select(LeaveType).where(LeaveType.uses_balance.is_(True)))).all()
    existing = {
        (b.employee_id, b.leave_type): b
        for b in (
            await session.scalars(select(LeaveBalance).where(LeaveBalance.year == year))
        ).all()
    }
    created = updated = 0
    for employee in employees:
        for kind in kinds:
            entitled = Decimal(
                annual_leave_entitlement(year, employee.hire_date, employee.work_start_date)
                if kind.code == "annual"
                else 0
            )
            held = existing.get((employee.id, kind.code))
            if held is None:
                session.add(
                    LeaveBalance(
                        employee_id=employee.id, year=year, leave_type=kind.code, entitled=entitled
                    )
                )
                created += 1
            elif held.entitled != entitled and held.used + held.pending <= entitled + held.adjusted:
                held.entitled = entitled
                updated += 1
    await session.flush()
    return {"employees": len(employees), "created": created, "updated": updated}


async def adjust(
    session: AsyncSession, held: LeaveBalance, delta: Decimal, reason: str, actor: str
) -> LeaveBalance:
    """Add (or take away) days with a reason; the balance never drops below what is used and pending."""
    if delta == 0:
        raise Unprocessable("an adjustment must change the balance", code="validation_error")
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
