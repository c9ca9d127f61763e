"""Leave follows the people: a hire gets the year's pro-rated entitlement as soon as org's event
arrives, everyone gets a new year's balances by a sweep, and a leaver's annual leave is settled
by the days worked (Art. 12 of the implementing measures for paid annual leave) for payroll."""

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from services.hr.db.models import LeaveBalance
from services.hr.domain import allocation
from services.hr.domain.directory import apply_org_event
from services.hr.domain.entitlement import (
    days_worked_in_year,
    earned_on_leaving,
    full_year_entitlement,
    untaken_on_leaving,
)
from shared.contracts.events import EventEnvelope, EventSubject
from tests.hr.conftest import API, YEAR, HrService

# ---- the rules, at their boundaries ---------------------------------------------------------


@pytest.mark.parametrize(
    ("hire", "leave", "days"),
    [
        (date(2015, 1, 1), date(2025, 1, 1), 1),
        (date(2015, 1, 1), date(2025, 12, 31), 365),
        (date(2025, 3, 1), date(2025, 3, 1), 1),
        (date(2025, 3, 1), date(2025, 3, 31), 31),
        (date(2015, 1, 1), date(2024, 12, 31), 0),  # left before the year
    ],
)
def test_days_worked_in_the_year(hire: date, leave: date, days: int) -> None:
    assert days_worked_in_year(2025, hire, leave) == days


@pytest.mark.parametrize(
    ("worked", "full", "taken", "earned", "untaken"),
    [
        (151, 10, "0", "4.1369863", 4),  # 151 / 365 * 10 = 4.137 → 4 whole days
        (151, 10, "2", "4.1369863", 2),
        (151, 10, "4.5", "4.1369863", 0),  # more taken than earned: nothing, no claw-back
        (365, 15, "0", "15", 15),
        (73, 5, "0", "1", 1),  # exactly one day
        (72, 5, "0", "0.9863014", 0),  # under a day is not paid
        (200, 0, "0", "0", 0),
    ],
)
def test_a_leavers_untaken_days(
    worked: int, full: int, taken: str, earned: str, untaken: int
) -> None:
    exact = earned_on_leaving(worked, full)
    assert exact.quantize(Decimal("0.0000001")) == Decimal(earned).quantize(Decimal("0.0000001"))
    assert untaken_on_leaving(exact, Decimal(taken)) == untaken


def test_the_full_years_entitlement_is_not_pro_rated() -> None:
    assert full_year_entitlement(2025, date(2025, 7, 1), date(2010, 1, 1)) == 10
    assert full_year_entitlement(2025, date(2015, 1, 1), date(2004, 6, 1)) == 15
    assert full_year_entitlement(2025, date(2025, 7, 1)) == 0


@pytest.mark.parametrize(
    ("hire", "known_on", "years"),
    [
        (date(2025, 7, 1), date(2025, 6, 11), [2025]),  # hired later this year
        (date(2026, 1, 5), date(2025, 12, 20), [2026]),  # hired next year: that year's only
        (date(2024, 12, 28), date(2025, 1, 3), [2024]),  # announced after new year
        (date(2023, 12, 28), date(2025, 1, 3), []),  # an old record: the yearly allocation's
    ],
)
def test_which_years_a_hire_gets(hire: date, known_on: date, years: list[int]) -> None:
    assert allocation.years_for_a_hire(hire, known_on) == years


# ---- through hr, as org's events arrive ----------------------------------------------------


def employee(person: uuid.UUID, department: uuid.UUID, **fields: Any) -> dict[str, Any]:
    return {
        "id": str(person),
        "employee_number": f"E{person.hex[:6]}",
        "name": "新同事",
        "email": f"e{person.hex[:6]}@example.cn",
        "phone": None,
        "department_id": str(department),
        "position_id": None,
        "manager_id": None,
        "status": "active",
        "employment_type": "full_time",
        "is_management": False,
        "hire_date": "2015-03-01",
        "leave_date": None,
        "work_start_date": "2010-07-01",
        **fields,
    }


async def org_says(hr: HrService, event_type: str, data: dict[str, Any], on: date) -> None:
    event = EventEnvelope(
        seq=1,
        id=uuid.uuid4(),
        type=event_type,
        occurred_at=datetime(on.year, on.month, on.day, 9, tzinfo=UTC),
        subject=EventSubject(type="employee", id=data["id"]),
        data=data,
    )
    async with hr.app.state.runtime.transaction() as session:
        await apply_org_event(session, event)


async def test_a_hire_gets_the_years_pro_rated_leave_at_once(hr: HrService) -> None:
    department = await hr.department("RND")
    person = uuid.uuid4()
    await org_says(
        hr,
        "org.employee.created",
        employee(person, department, hire_date=f"{YEAR}-07-01", work_start_date="2020-01-01"),
        on=date(YEAR, 6, 20),
    )

    # no allocation was run: 5 days * 184 days left / 365 = 2.52 → 2
    assert (await hr.balance(person))["entitled"] == "2.0"


async def test_the_yearly_allocation_runs_by_itself_and_changes_nothing_the_second_time(
    hr: HrService,
) -> None:
    department = await hr.department("RND")
    person = uuid.uuid4()
    await org_says(hr, "org.employee.created", employee(person, department), on=date(2024, 3, 1))

    first = await allocation.allocate_this_year(hr.app.state.runtime)  # the service's clock
    again = await allocation.allocate_this_year(hr.app.state.runtime)

    assert first["created"] == 2 and again == {**first, "created": 0, "updated": 0}
    assert (await hr.balance(person))["entitled"] == "10.0"  # 2010 → 2025: 14 years


async def test_a_leaver_is_settled_once_for_payroll(hr: HrService) -> None:
    department = await hr.department("RND")
    person = uuid.uuid4()
    record = employee(person, department, hire_date="2015-03-01", work_start_date="2010-07-01")
    await org_says(hr, "org.employee.created", record, on=date(YEAR, 1, 2))
    await allocation.allocate_this_year(hr.app.state.runtime)
    balance = await hr.balance(person)
    assert balance["entitled"] == "10.0"
    # two days taken before leaving
    async with hr.app.state.runtime.transaction() as session:
        held = await session.get(LeaveBalance, uuid.UUID(balance["id"]))
        assert held is not None
        held.used = Decimal("2.0")

    left = {**record, "status": "left", "leave_date": f"{YEAR}-05-31"}
    await org_says(hr, "org.employee.left", {**left, "reason": "个人原因"}, on=date(YEAR, 5, 31))
    await org_says(hr, "org.employee.left", {**left, "reason": "个人原因"}, on=date(YEAR, 6, 1))

    settled = await hr.client.get(
        f"{API}/leave-settlements", params={"year": YEAR}, headers=hr.hr()
    )
    assert settled.status_code == 200, settled.text
    [row] = settled.json()
    # 1 Jan to 31 May 2025: 151 days; 151 / 365 * 10 = 4.137; less 2 taken → 2 whole days
    assert {k: row[k] for k in ("days_worked", "full_entitlement", "earned", "taken")} == {
        "days_worked": 151,
        "full_entitlement": 10,
        "earned": "4.1370",
        "taken": "2.0",
    }
    assert row["untaken_days"] == 2
    assert (await hr.balance(person))["entitled"] == "4.0"  # what the days worked earned
    [event] = await hr.events("hr.leave_balance.settled")
    assert event["data"]["untaken_days"] == 2 and event["data"]["employee_id"] == str(person)

    for headers in (hr.employee(person), hr.as_user("gm")):
        refused = await hr.client.get(f"{API}/leave-settlements", headers=headers)
        assert refused.status_code == 403 and refused.json()["code"] == "hr_only"
    assert (
        await hr.client.get(f"{API}/leave-settlements", headers=hr.auditor())
    ).status_code == 200
