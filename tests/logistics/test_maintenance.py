"""Maintenance schedules: when they are due (intervals and cron rules), and the work orders they
generate — once per due date, however often or wherever the sweep runs."""

import asyncio
import re
from datetime import date, timedelta
from typing import Any

import pytest

from services.logistics.domain.maintenance import generate_due
from services.logistics.domain.maintenance_rules import Rule, due_after, due_dates, first_due
from tests.logistics.conftest import API, TODAY, LogisticsService
from tests.logistics.supplies_helpers import ok, outbox


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        (
            Rule(date(2026, 3, 11), "day", 10),
            [date(2026, 3, 11), date(2026, 3, 21), date(2026, 3, 31)],
        ),
        (
            Rule(date(2026, 3, 11), "week", 2),
            [date(2026, 3, 11), date(2026, 3, 25), date(2026, 4, 8)],
        ),
        # months count from the start: the 31st falls on the last day of shorter months
        (
            Rule(date(2026, 1, 31), "month", 1),
            [date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31)],
        ),
        (
            Rule(date(2026, 11, 30), "month", 3),
            [date(2026, 11, 30), date(2027, 2, 28), date(2027, 5, 30)],
        ),
        # the first of every month at 09:00, from mid-March
        (
            Rule(date(2026, 3, 11), cron="0 9 1 * *"),
            [date(2026, 4, 1), date(2026, 5, 1), date(2026, 6, 1)],
        ),
        # Mondays and Thursdays
        (
            Rule(date(2026, 3, 11), cron="30 8 * * 1,4"),
            [date(2026, 3, 12), date(2026, 3, 16), date(2026, 3, 19)],
        ),
        # several times a day is still one due date a day
        (
            Rule(date(2026, 3, 11), cron="0 */6 * * *"),
            [date(2026, 3, 11), date(2026, 3, 12), date(2026, 3, 13)],
        ),
    ],
)
def test_due_dates_of_a_rule(rule: Rule, expected: list[date]) -> None:
    first = first_due(rule, rule.starts_on)
    second = due_after(rule, first)
    assert [first, second, due_after(rule, second)] == expected


def test_a_schedule_set_up_after_its_start_is_first_due_from_today() -> None:
    weekly = Rule(date(2026, 3, 2), "week", 1)  # Mondays from 2 March
    monthly = Rule(date(2026, 1, 31), "month", 1)
    cron = Rule(date(2026, 1, 1), cron="0 9 1 * *")
    assert first_due(weekly, date(2026, 3, 11)) == date(2026, 3, 16)
    assert first_due(weekly, date(2026, 3, 16)) == date(2026, 3, 16)
    assert first_due(monthly, date(2026, 3, 11)) == date(2026, 3, 31)
    assert first_due(cron, date(2026, 3, 11)) == date(2026, 4, 1)
    assert first_due(Rule(date(2026, 5, 1), "day", 3), date(2026, 3, 11)) == date(2026, 5, 1)


def test_catching_up_stops_at_today_and_at_the_limit() -> None:
    rule = Rule(date(2026, 1, 1), "day", 1)
    assert due_dates(rule, date(2026, 1, 1), date(2026, 1, 3), limit=10) == [
        date(2026, 1, 1),
        date(2026, 1, 2),
        date(2026, 1, 3),
    ]
    assert len(due_dates(rule, date(2026, 1, 1), date(2026, 12, 31), limit=60)) == 60
    assert due_dates(rule, date(2026, 1, 5), date(2026, 1, 4), limit=10) == []


async def facility(service: LogisticsService) -> dict[str, Any]:
    return ok(
        await service.client.post(
            f"{API}/facilities",
            json={"asset_tag": "AC-1", "name": "空调", "category": "hvac"},
            headers=service.staff(),
        ),
        201,
    )


async def schedule(service: LogisticsService, **rule: Any) -> Any:
    item = await facility(service)
    return await service.client.post(
        f"{API}/maintenance-schedules",
        json={"facility_id": item["id"], "title": "滤网清洗", **rule},
        headers=service.staff(),
    )


async def work_orders(service: LogisticsService) -> list[dict[str, Any]]:
    return ok(
        await service.client.get(
            f"{API}/work-orders", params={"limit": 200}, headers=service.auditor()
        )
    )["items"]


async def test_a_schedule_generates_each_due_work_order_once(logistics: LogisticsService) -> None:
    created = ok(
        await schedule(
            logistics, interval_unit="week", interval_count=1, starts_on=TODAY.isoformat()
        ),
        201,
    )
    runtime = logistics.app.state.runtime

    # two weeks without a sweep (the service was down): three dates are due
    first = await generate_due(runtime, TODAY + timedelta(days=14))
    again = await generate_due(runtime, TODAY + timedelta(days=14))
    concurrent = await asyncio.gather(
        *(generate_due(runtime, TODAY + timedelta(days=21)) for _ in range(4))
    )
    found = ok(
        await logistics.client.get(
            f"{API}/maintenance-schedules/{created['id']}", headers=logistics.staff()
        )
    )

    assert created["rule"] == "every 1 week"
    assert (first, again, sum(concurrent)) == (3, 0, 1)
    orders = await work_orders(logistics)
    assert sorted(o["due_on"] for o in orders) == [
        (TODAY + timedelta(days=d)).isoformat() for d in (0, 7, 14, 21)
    ]
    assert {o["status"] for o in orders} == {"open"}
    assert found["next_due_on"] == (TODAY + timedelta(days=28)).isoformat()
    assert len(await outbox(logistics, "logistics.work_order.created")) == 4


async def test_the_sweep_endpoint_uses_the_service_clock(logistics: LogisticsService) -> None:
    ok(await schedule(logistics, cron="0 9 1 * *", starts_on=TODAY.isoformat()), 201)

    before = ok(
        await logistics.client.post(
            f"{API}/maintenance-schedules/generate", headers=logistics.staff()
        )
    )
    logistics.now = logistics.now + timedelta(days=25)  # into April
    after = ok(
        await logistics.client.post(
            f"{API}/maintenance-schedules/generate", headers=logistics.staff()
        )
    )

    assert (before["created"], after["created"]) == (0, 1)
    [order] = await work_orders(logistics)
    assert order["due_on"] == "2026-04-01"


async def test_a_paused_schedule_generates_nothing_and_resumes_from_today(
    logistics: LogisticsService,
) -> None:
    created = ok(
        await schedule(
            logistics, interval_unit="day", interval_count=1, starts_on=TODAY.isoformat()
        ),
        201,
    )
    paused = ok(
        await logistics.client.patch(
            f"{API}/maintenance-schedules/{created['id']}",
            json={"active": False},
            headers={**logistics.staff(), "If-Match": f'"{created["version"]}"'},
        )
    )
    runtime = logistics.app.state.runtime

    assert await generate_due(runtime, TODAY + timedelta(days=3)) == 0
    logistics.now = logistics.now + timedelta(days=3)
    resumed = ok(
        await logistics.client.patch(
            f"{API}/maintenance-schedules/{created['id']}",
            json={"active": True},
            headers={**logistics.staff(), "If-Match": f'"{paused["version"]}"'},
        )
    )

    assert resumed["next_due_on"] == (TODAY + timedelta(days=4)).isoformat()


@pytest.mark.parametrize(
    "rule",
    [
        {"interval_unit": "week"},
        {"interval_count": 2},
        {"cron": "every monday"},
        {"cron": "0 9 1 * *", "interval_unit": "day", "interval_count": 1},
        {"cron": "0 0 31 2 *"},  # 31 February never comes
        {},
    ],
)
async def test_a_schedule_needs_exactly_one_valid_rule(
    logistics: LogisticsService, rule: dict[str, Any]
) -> None:
    answer = await schedule(logistics, starts_on=TODAY.isoformat(), **rule)

    assert (answer.status_code, answer.json()["code"]) == (422, "invalid_rule")


@pytest.mark.parametrize(
    ("starts_on", "status"),
    [("1999-12-31", 422), ("2000-01-01", 201), ("2099-12-31", 201), ("0120-01-21", 422)],
)
async def test_a_schedule_starts_this_century_and_the_document_says_so(
    logistics: LogisticsService, starts_on: str, status: int
) -> None:
    answer = await schedule(logistics, interval_unit="week", interval_count=1, starts_on=starts_on)
    document = (await logistics.client.get(f"{API}/openapi.json")).json()
    field = document["components"]["schemas"]["ScheduleCreate"]["properties"]["starts_on"]

    assert answer.status_code == status, answer.text
    # What the service refuses, the document refuses too (schemathesis found a 0120 refused).
    assert (re.fullmatch(field["pattern"], starts_on) is not None) is (status == 201)


async def test_a_work_order_is_started_and_completed_once(logistics: LogisticsService) -> None:
    item = await facility(logistics)
    order = ok(
        await logistics.client.post(
            f"{API}/work-orders",
            json={"facility_id": item["id"], "title": "更换灯管", "due_on": TODAY.isoformat()},
            headers=logistics.staff(),
        ),
        201,
    )

    started = ok(
        await logistics.client.post(
            f"{API}/work-orders/{order['id']}/start",
            json={"assignee": "王师傅"},
            headers=logistics.staff(),
        )
    )
    done = ok(
        await logistics.client.post(
            f"{API}/work-orders/{order['id']}/complete",
            json={"note": "ok"},
            headers=logistics.staff(),
        )
    )
    again = await logistics.client.post(
        f"{API}/work-orders/{order['id']}/start", json={}, headers=logistics.staff()
    )
    hidden = await logistics.client.get(
        f"{API}/work-orders/{order['id']}",
        headers=logistics.employee("0193a8c0-0000-7000-8000-0000000000e1"),
    )

    assert (started["status"], started["assignee"]) == ("in_progress", "王师傅")
    assert done["status"] == "done" and done["completed_at"] is not None
    assert (again.status_code, again.json()["code"]) == (409, "invalid_work_order_transition")
    assert hidden.status_code == 404
