"""Leave follows the people: balances allocated per employee when org's hire event arrives and
for everyone at the start of each year (by a sweep, idempotent and restart-safe), and a leaver's
annual leave settled by the days of the year worked (what payroll pays for the untaken days).
"""

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.hr.db.models import Employee, LeaveBalance, LeaveType
from services.hr.db.settlements import LeaveSettlement
from services.hr.domain.entitlement import (
    annual_leave_entitlement,
    days_worked_in_year,
    earned_on_leaving,
    full_year_entitlement,
    untaken_on_leaving,
)
from shared.kit.outbox import record_event
from shared.kit.runtime import ServiceRuntime

CURRENT = ("onboarding", "active", "on_leave")


async def _balance_types(session: AsyncSession) -> list[LeaveType]:
    return list(
        (await session.scalars(select(LeaveType).where(LeaveType.uses_balance.is_(True)))).all()
    )


def _entitled(kind: LeaveType, employee: Employee, year: int) -> Decimal:
    if kind.code != "annual":
        return Decimal(0)
    return Decimal(annual_leave_entitlement(year, employee.hire_date, employee.work_start_date))


async def allocate_for(
    session: AsyncSession,
    employees: Iterable[Employee],
    year: int,
) -> dict[str, int]:
    """Give ``employees`` their balances for ``year``: statutory annual leave computed from the
    work start and hire dates, 0 for other balance types. Running it again changes nothing
    except correcting an annual entitlement whose inputs changed (never below what is used)."""
    people = list(employees)
    kinds = await _balance_types(session)
    ids = [person.id for person in people]
    existing = {
        (b.employee_id, b.leave_type): b
        for b in (
            await session.scalars(
                select(LeaveBalance).where(
                    LeaveBalance.year == year, LeaveBalance.employee_id.in_(ids)
                )
            )
        ).all()
    }
    created = updated = 0
    for employee in people:
        for kind in kinds:
            entitled = _entitled(kind, employee, year)
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
    return {"employees": len(people), "created": created, "updated": updated}


async def allocate(session: AsyncSession, year: int) -> dict[str, int]:
    """Every current employee's balances for ``year`` (see :func:`allocate_for`)."""
    employees = (await session.scalars(select(Employee).where(Employee.status.in_(CURRENT)))).all()
    return await allocate_for(session, employees, year)


def years_for_a_hire(hire_date: date, known_on: date) -> list[int]:
    """The year whose balances a new hire gets at once: the hire date's, when it is this year,
    ahead, or last year (a hire at the end of December announced in January). An older record
    (say, the import of people already employed) waits for the yearly allocation, which gives
    everyone current the year's balances."""
    return [hire_date.year] if hire_date.year >= known_on.year - 1 else []


async def on_hire(session: AsyncSession, employee: Employee, known_on: date) -> None:
    """A new employee's balances, as soon as org's hire event reaches hr."""
    if employee.status in CURRENT:
        for year in years_for_a_hire(employee.hire_date, known_on):
            await allocate_for(session, [employee], year)


async def on_leaving(session: AsyncSession, employee: Employee) -> LeaveSettlement | None:
    """Settle a leaver's annual leave for the year they left (once): the balance keeps what was
    earned by the days worked (never less than what was taken), and the untaken whole days are
    recorded and published for payroll (``hr.leave_balance.settled``)."""
    if employee.leave_date is None:
        return None
    year = employee.leave_date.year
    settled = await session.scalar(
        select(LeaveSettlement).where(
            LeaveSettlement.employee_id == employee.id, LeaveSettlement.year == year
        )
    )
    if settled is not None:
        return settled
    balance = await session.scalar(
        select(LeaveBalance)
        .where(
            LeaveBalance.employee_id == employee.id,
            LeaveBalance.year == year,
            LeaveBalance.leave_type == "annual",
        )
        .with_for_update()
    )
    worked = days_worked_in_year(year, employee.hire_date, employee.leave_date)
    full = full_year_entitlement(year, employee.hire_date, employee.work_start_date)
    earned = earned_on_leaving(worked, full)
    taken = balance.used if balance is not None else Decimal(0)
    untaken = untaken_on_leaving(earned, taken)
    if balance is not None:
        # what the balance still grants: the earned whole days, but never less than what is
        # already used or asked for (no claw-back)
        floor = Decimal(int(earned))
        balance.entitled = max(floor, balance.used + balance.pending - balance.adjusted)
    settlement = LeaveSettlement(
        employee_id=employee.id,
        year=year,
        leave_date=employee.leave_date,
        days_worked=worked,
        full_entitlement=full,
        earned=earned.quantize(Decimal("0.0001")),
        taken=taken,
        untaken_days=untaken,
    )
    session.add(settlement)
    await session.flush()
    await record_event(
        session,
        "hr.leave_balance.settled",
        subject_type="employee",
        subject_id=employee.id,
        data={
            "employee_id": employee.id,
            "year": year,
            "leave_date": employee.leave_date,
            "days_worked": worked,
            "full_entitlement": full,
            "earned": f"{earned:.4f}",
            "taken": f"{taken:.1f}",
            "untaken_days": untaken,
        },
    )
    return settlement


async def allocate_this_year(runtime: ServiceRuntime) -> dict[str, int]:
    """The yearly allocation, run by a sweep: everyone current gets this year's balances (at
    once in the first days of January; again any time, changing nothing)."""
    async with runtime.transaction() as session:
        return await allocate(session, runtime.today().year)


async def settlements(session: AsyncSession, year: int) -> list[LeaveSettlement]:
    """The year's settlements, by leave date."""
    return list(
        (
            await session.scalars(
                select(LeaveSettlement)
                .where(LeaveSettlement.year == year)
                .order_by(LeaveSettlement.leave_date, LeaveSettlement.id)
            )
        ).all()
    )
