"""Keyset pagination of the directory: 1,000 employees, many equal names and dates, no repeats or gaps."""

from datetime import date, timedelta
from typing import Any

import pytest

from tests.org.conftest import API, OrgService, csv_rows
from tests.problems import assert_problem

COUNT = 1_000
CHINESE = ["王伟", "李娜", "张敏", "刘洋", "陈静", "杨磊", "赵丽", "黄强", "周杰", "吴芳"]
NAMES = [*CHINESE, "Anna", "Bob"]


async def import_employees(org: OrgService, count: int) -> dict[str, dict[str, Any]]:
    """``count`` employees by id: 12 names and 40 hire dates, so most sort keys are shared."""
    departments = ["RND", "MKT", "SALES", "TS"]
    rows = [
        (
            f"P{i:04d}",
            NAMES[i % len(NAMES)],
            f"p{i:04d}@example.cn",
            departments[i % len(departments)],
            (date(2020, 1, 1) + timedelta(days=30 * (i % 40))).isoformat(),
        )
        for i in range(count)
    ]
    response = await org.import_csv(csv_rows(rows))
    assert response.status_code == 201, response.text
    listing = await walk(org, "employee_number", 200)
    assert len(listing) == count
    return {e["id"]: e for e in listing}


async def walk(org: OrgService, sort: str, limit: int, **params: Any) -> list[dict[str, Any]]:
    """Every page of the directory in ``sort`` order, following next_cursor to the end."""
    items: list[dict[str, Any]] = []
    cursor = None
    for _ in range(COUNT):
        query = {"sort": sort, "limit": limit, **params, **({"cursor": cursor} if cursor else {})}
        response = await org.client.get(f"{API}/employees", params=query, headers=org.employee())
        assert response.status_code == 200, response.text
        page = response.json()
        assert len(page["items"]) <= limit
        items.extend(page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            assert len(page["items"]) > 0 or not items
            return items
        assert len(page["items"]) == limit
    pytest.fail("the pages never ended")


def assert_complete(items: list[dict[str, Any]], expected: set[str]) -> None:
    ids = [e["id"] for e in items]
    assert len(ids) == len(set(ids)), "an employee appears twice"
    assert set(ids) == expected, "an employee is missing"


async def test_pages_of_1000_employees_have_no_repeats_and_no_gaps_in_any_order(
    org: OrgService,
) -> None:
    # One import serves every order (it also gives all 1,000 the same created_at).
    employees = await import_employees(org, COUNT)
    assert_complete(await walk(org, "-created_at", 37), set(employees))

    # By name: same names sit together, each run in id order (the tie-breaker).
    by_name = await walk(org, "name", 37)
    assert_complete(by_name, set(employees))
    names = [e["name"] for e in by_name]
    assert len([n for i, n in enumerate(names) if i == 0 or names[i - 1] != n]) == len(NAMES)
    runs: dict[str, list[str]] = {}
    for item in by_name:
        runs.setdefault(item["name"], []).append(item["id"])
    assert all(run == sorted(run) for run in runs.values())

    # By hire date, newest first; within one date the newest id first.
    by_date = await walk(org, "-hire_date", 37)
    assert_complete(by_date, set(employees))
    dates = [e["hire_date"] for e in by_date]
    assert dates == sorted(dates, reverse=True)
    for day in set(dates):
        run = [e["id"] for e in by_date if e["hire_date"] == day]
        assert run == sorted(run, reverse=True)

    # A filtered directory, by name descending.
    sales = await org.department_id("SALES")
    expected = {i for i, e in employees.items() if e["department_id"] == sales}
    assert len(expected) == COUNT // 4
    assert_complete(await walk(org, "-name", 37, department_id=sales), expected)


async def test_with_total_counts_every_match(org: OrgService) -> None:
    await import_employees(org, 60)

    response = await org.client.get(
        f"{API}/employees", params={"limit": 37, "with_total": "true"}, headers=org.employee()
    )

    assert response.json()["total"] == 60
    assert len(response.json()["items"]) == 37


async def test_a_cursor_of_another_sort_order_is_refused(org: OrgService) -> None:
    await import_employees(org, 60)
    first = await org.client.get(
        f"{API}/employees", params={"sort": "name", "limit": 37}, headers=org.employee()
    )

    response = await org.client.get(
        f"{API}/employees",
        params={"sort": "-hire_date", "cursor": first.json()["next_cursor"]},
        headers=org.employee(),
    )

    assert_problem(response, 400, "cursor_mismatch")


async def test_a_forged_cursor_is_refused(org: OrgService) -> None:
    response = await org.client.get(
        f"{API}/employees", params={"cursor": "not-a-cursor"}, headers=org.employee()
    )

    assert_problem(response, 400, "invalid_cursor")


@pytest.mark.parametrize("limit", [0, 201])
async def test_a_limit_outside_1_to_200_is_refused(org: OrgService, limit: int) -> None:
    response = await org.client.get(
        f"{API}/employees", params={"limit": limit}, headers=org.employee()
    )

    assert_problem(response, 422, "validation_error")


async def test_the_last_page_says_next_cursor_null(org: OrgService) -> None:
    await org.hire("唯一")

    response = await org.client.get(f"{API}/employees", headers=org.employee())

    body = response.json()
    assert "next_cursor" in body and body["next_cursor"] is None
    assert len(body["items"]) == 1
