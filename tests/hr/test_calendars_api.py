"""``/calendars/{year}``, ``/calendars/{year}/working-days`` and ``/leave-types``."""

from collections import Counter
from datetime import date
from typing import Any

import httpx
import pytest

from tests.hr.conftest import API, HrService
from tests.problems import assert_problem

NATIONAL_DAY_2025: dict[str, Any] = {
    "holidays": [{"date": f"2025-10-0{n}", "name": "国庆节"} for n in range(1, 9)],
    "workdays": [
        {"date": "2025-09-28", "name": "调休上班"},
        {"date": "2025-10-11", "name": "调休上班"},
    ],
    "note": "国务院办公厅 2025 年部分节假日安排",
}


async def put_calendar(
    hr: HrService, year: int, body: dict[str, Any], headers: dict[str, str] | None = None
) -> httpx.Response:
    return await hr.client.put(f"{API}/calendars/{year}", json=body, headers=headers or hr.hr())


async def test_a_year_not_set_up_has_weekends_only_and_says_so(hr: HrService) -> None:
    response = await hr.client.get(f"{API}/calendars/2031", headers=hr.employee(None))

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["configured"] is False
    assert (body["holidays"], body["workdays"], body["version"]) == ([], [], None)
    assert "not set up" in body["note"] and "does not know it" in body["note"]
    assert "etag" not in response.headers


async def test_a_year_not_set_up_is_read_from_the_holiday_library(hr: HrService) -> None:
    response = await hr.client.get(f"{API}/calendars/2026", headers=hr.employee(None))

    body = response.json()
    assert body["configured"] is False and body["version"] is None
    assert "chinese-calendar" in body["note"]
    holidays = {h["date"]: h["name"] for h in body["holidays"]}
    assert [holidays[f"2026-10-0{n}"] for n in range(1, 8)] == ["国庆节"] * 7
    assert holidays["2026-01-01"] == "元旦" and "2026-10-08" not in holidays
    workdays = {w["date"]: w["name"] for w in body["workdays"]}
    assert workdays["2026-10-10"] == "国庆节调休上班"  # a Saturday worked
    assert all(date.fromisoformat(day).weekday() >= 5 for day in workdays)


async def test_hr_corrects_the_librarys_year_and_then_hrs_counts(hr: HrService) -> None:
    before = await count(hr, 2026, "2026-10-08", "2026-10-10")
    assert before.json()["working_days"] == 3  # Thu 8, Fri 9 and the make-up Saturday 10

    await put_calendar(hr, 2026, {"note": "公司安排", "holidays": [], "workdays": []})
    after = await count(hr, 2026, "2026-10-01", "2026-10-10")
    assert after.json()["working_days"] == 7  # HR's year: no holidays, weekends only
    read = await hr.client.get(f"{API}/calendars/2026", headers=hr.hr())
    assert read.json()["configured"] is True and read.json()["holidays"] == []


async def test_hr_sets_up_a_year_and_everyone_reads_it(hr: HrService) -> None:
    created = await put_calendar(hr, 2025, NATIONAL_DAY_2025)

    assert created.status_code == 200, created.text
    assert created.headers["etag"] == '"1"'
    body = created.json()
    assert body["configured"] is True
    assert body["note"] == NATIONAL_DAY_2025["note"]
    assert [h["date"] for h in body["holidays"]] == [f"2025-10-0{n}" for n in range(1, 9)]
    assert body["workdays"] == NATIONAL_DAY_2025["workdays"]

    read = await hr.client.get(f"{API}/calendars/2025", headers=hr.employee(None))
    assert read.status_code == 200
    assert read.json() == body
    assert read.headers["etag"] == '"1"'


async def test_putting_again_replaces_the_days(hr: HrService) -> None:
    await put_calendar(hr, 2025, NATIONAL_DAY_2025)

    replaced = await put_calendar(
        hr, 2025, {"holidays": [{"date": "2025-05-01", "name": "劳动节"}], "note": "劳动节"}
    )

    assert replaced.status_code == 200, replaced.text
    assert replaced.json()["holidays"] == [{"date": "2025-05-01", "name": "劳动节"}]
    assert replaced.json()["workdays"] == []
    assert replaced.json()["version"] == 2


async def test_changing_only_the_days_gives_a_new_version(hr: HrService) -> None:
    """The ETag must change with the content, or a stale If-Match would overwrite it."""
    first = await put_calendar(hr, 2025, NATIONAL_DAY_2025)
    changed = {**NATIONAL_DAY_2025, "holidays": NATIONAL_DAY_2025["holidays"][:3]}

    second = await put_calendar(hr, 2025, changed, {**hr.hr(), "If-Match": first.headers["etag"]})

    assert second.status_code == 200, second.text
    assert second.headers["etag"] != first.headers["etag"]
    stale = await put_calendar(
        hr, 2025, NATIONAL_DAY_2025, {**hr.hr(), "If-Match": first.headers["etag"]}
    )
    assert_problem(stale, 412, "version_mismatch")


async def test_a_stale_if_match_is_refused(hr: HrService) -> None:
    await put_calendar(hr, 2025, NATIONAL_DAY_2025)
    await put_calendar(hr, 2025, {**NATIONAL_DAY_2025, "note": "修订"})

    stale = await put_calendar(hr, 2025, NATIONAL_DAY_2025, {**hr.hr(), "If-Match": '"1"'})

    assert_problem(stale, 412, "version_mismatch")


async def day_changes(hr: HrService) -> list[dict[str, Any]]:
    """The audit log of calendar days, oldest first."""
    response = await hr.client.get(
        f"{API}/audit-log",
        params={"entity_type": "calendar_days", "sort": "occurred_at", "limit": 200},
        headers=hr.auditor(),
    )
    assert response.status_code == 200, response.text
    entries: list[dict[str, Any]] = response.json()["items"]
    return entries


def by_date(entries: list[dict[str, Any]], days: dict[str, str]) -> dict[str, dict[str, Any]]:
    """Entries by the date of their row (``days``: row id → date, from the creations)."""
    return {days[e["entity_id"]]: e for e in entries}


def dates_of(entries: list[dict[str, Any]]) -> dict[str, str]:
    return {e["entity_id"]: e["changes"]["day"]["new"] for e in entries if e["action"] == "create"}


async def test_each_holiday_and_make_up_day_set_up_is_audited(hr: HrService) -> None:
    await put_calendar(hr, 2025, NATIONAL_DAY_2025)

    entries = await day_changes(hr)

    assert len(entries) == 10
    assert {e["action"] for e in entries} == {"create"}
    assert {e["actor"] for e in entries} == {"user:harriet"}
    assert all(e["request_id"] for e in entries)
    made = by_date(entries, dates_of(entries))
    assert made["2025-10-01"]["changes"]["kind"] == {"new": "holiday"}
    assert made["2025-10-01"]["changes"]["name"] == {"new": "国庆节"}
    assert made["2025-09-28"]["changes"]["kind"] == {"new": "workday"}


async def test_changing_the_days_audits_what_was_removed_changed_and_added(
    hr: HrService,
) -> None:
    await put_calendar(hr, 2025, NATIONAL_DAY_2025)
    first = await day_changes(hr)
    before = {e["id"] for e in first}
    revised = {
        # 10-01 renamed, 10-02…10-08 dropped, 09-28 kept as it was, 10-11 dropped, 05-01 added
        "holidays": [
            {"date": "2025-10-01", "name": "国庆节（修订）"},
            {"date": "2025-05-01", "name": "劳动节"},
        ],
        "workdays": [{"date": "2025-09-28", "name": "调休上班"}],
    }

    response = await put_calendar(hr, 2025, revised, {**hr.hr(), "If-Match": '"1"'})

    assert response.status_code == 200, response.text
    changes = [e for e in await day_changes(hr) if e["id"] not in before]
    assert Counter(e["action"] for e in changes) == {"delete": 8, "update": 1, "create": 1}
    found = by_date(changes, dates_of(first + changes))
    assert found["2025-10-01"]["action"] == "update"
    assert found["2025-10-01"]["changes"] == {"name": {"old": "国庆节", "new": "国庆节（修订）"}}
    assert found["2025-05-01"]["action"] == "create"
    assert found["2025-10-11"]["action"] == "delete"
    assert found["2025-10-11"]["changes"]["kind"] == {"old": "workday"}
    assert "2025-09-28" not in found  # unchanged: nothing to audit


async def test_a_day_turning_from_holiday_to_make_up_day_is_audited_as_a_change(
    hr: HrService,
) -> None:
    await put_calendar(hr, 2025, {"holidays": [{"date": "2025-10-11", "name": "假日"}]})
    await put_calendar(hr, 2025, {"workdays": [{"date": "2025-10-11", "name": "调休上班"}]})

    [created, changed] = await day_changes(hr)

    assert (created["action"], changed["action"]) == ("create", "update")
    assert changed["entity_id"] == created["entity_id"]
    assert changed["changes"] == {
        "kind": {"old": "holiday", "new": "workday"},
        "name": {"old": "假日", "new": "调休上班"},
    }
    read = (await hr.client.get(f"{API}/calendars/2025", headers=hr.hr())).json()
    assert (read["holidays"], read["workdays"]) == (
        [],
        [{"date": "2025-10-11", "name": "调休上班"}],
    )


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        pytest.param(
            {"workdays": [{"date": "2025-10-10"}]}, "is a weekday", id="a-weekday-as-make-up-day"
        ),
        pytest.param({"holidays": [{"date": "2024-10-01"}]}, "is not in 2025", id="another-year"),
        pytest.param(
            {"holidays": [{"date": "2025-10-11"}], "workdays": [{"date": "2025-10-11"}]},
            "both a holiday and a working day",
            id="holiday-and-workday",
        ),
        pytest.param(
            {"holidays": [{"date": "2025-10-01"}, {"date": "2025-10-01"}]},
            "listed twice",
            id="twice",
        ),
    ],
)
async def test_an_invalid_calendar_is_refused(
    hr: HrService, body: dict[str, Any], fragment: str
) -> None:
    response = await put_calendar(hr, 2025, body)

    problem = assert_problem(response, 422, "invalid_calendar")
    assert fragment in problem["detail"]
    after = await hr.client.get(f"{API}/calendars/2025", headers=hr.hr())
    assert after.json()["configured"] is False


@pytest.mark.parametrize("roles", [("employee",), ("gm",), ("auditor",)], ids=lambda r: r[0])
async def test_only_hr_sets_up_a_calendar(hr: HrService, roles: tuple[str, ...]) -> None:
    response = await put_calendar(hr, 2025, NATIONAL_DAY_2025, hr.as_user(*roles))

    assert_problem(response, 403, "hr_only")


async def test_an_admin_may_set_up_a_calendar(hr: HrService) -> None:
    response = await put_calendar(hr, 2025, NATIONAL_DAY_2025, hr.admin())

    assert response.status_code == 200, response.text


async def test_reading_needs_a_token(hr: HrService) -> None:
    response = await hr.client.get(f"{API}/calendars/2025")

    assert_problem(response, 401)


async def count(hr: HrService, year: int, start: str, end: str) -> httpx.Response:
    return await hr.client.get(
        f"{API}/calendars/{year}/working-days",
        params={"from": start, "to": end},
        headers=hr.employee(None),
    )


async def test_working_days_count_holidays_and_make_up_days(hr: HrService) -> None:
    await put_calendar(hr, 2025, NATIONAL_DAY_2025)

    response = await count(hr, 2025, "2025-09-27", "2025-10-12")

    assert response.status_code == 200, response.text
    # 29, 30 Sep; 9, 10 Oct; and the two make-up days 28 Sep and 11 Oct
    assert response.json() == {
        "from": "2025-09-27",
        "to": "2025-10-12",
        "working_days": 6,
        "configured_years": [2025],
        "unconfigured_years": [],
    }


async def test_working_days_of_a_year_nobody_knows_are_weekdays_and_it_says_so(
    hr: HrService,
) -> None:
    response = await count(hr, 2031, "2031-10-01", "2031-10-08")

    assert response.status_code == 200, response.text
    assert response.json()["working_days"] == 6
    assert response.json()["configured_years"] == []
    assert response.json()["unconfigured_years"] == [2031]


async def test_working_days_of_a_year_not_set_up_follow_the_holiday_library(
    hr: HrService,
) -> None:
    response = await count(hr, 2026, "2026-10-01", "2026-10-08")

    assert response.json()["working_days"] == 1  # 1-7 October off; the 8th worked
    assert response.json()["unconfigured_years"] == [2026]


async def test_working_days_across_a_set_up_year_and_one_not(hr: HrService) -> None:
    await put_calendar(hr, 2025, {"holidays": [{"date": "2025-12-31", "name": "测试"}]})

    response = await count(hr, 2025, "2025-12-29", "2026-01-02")

    assert response.json()["working_days"] == 2  # 29, 30 Dec (HR's 2025); 元旦 1-2 Jan (library)
    assert response.json()["configured_years"] == [2025]
    assert response.json()["unconfigured_years"] == [2026]


async def test_working_days_with_to_before_from_is_refused(hr: HrService) -> None:
    assert_problem(await count(hr, 2025, "2025-10-08", "2025-10-01"), 422, "dates_out_of_order")


async def test_working_days_over_more_than_ten_years_is_refused(hr: HrService) -> None:
    assert_problem(await count(hr, 2025, "2025-01-01", "2036-01-01"), 422, "range_too_long")


EXPECTED_TYPES = {
    # code: paid, uses_balance, day_basis, min_unit, requires_document
    "annual": (True, True, "working", "0.5", False),
    "sick": (True, False, "working", "0.5", True),
    "personal": (False, False, "working", "0.5", False),
    "marriage": (True, False, "calendar", "1.0", True),
    "maternity": (True, False, "calendar", "1.0", True),
    "paternity": (True, False, "calendar", "1.0", True),
    "bereavement": (True, False, "calendar", "1.0", False),
    "compensatory": (True, True, "working", "0.5", False),
}


async def test_the_eight_leave_types_are_seeded(hr: HrService) -> None:
    response = await hr.client.get(f"{API}/leave-types", headers=hr.employee(None))

    assert response.status_code == 200, response.text
    types = {t["code"]: t for t in response.json()}
    assert {
        code: (t["paid"], t["uses_balance"], t["day_basis"], t["min_unit"], t["requires_document"])
        for code, t in types.items()
    } == EXPECTED_TYPES
    assert all(t["active"] and t["name"] and t["name_en"] for t in types.values())
    assert types["annual"]["name"] == "年休假"


async def test_hr_changes_a_leave_type_with_if_match(hr: HrService) -> None:
    changed = await hr.client.patch(
        f"{API}/leave-types/personal",
        json={"requires_document": True},
        headers={**hr.hr(), "If-Match": '"1"'},
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["requires_document"] is True
    assert changed.json()["version"] == 2

    stale = await hr.client.patch(
        f"{API}/leave-types/personal",
        json={"paid": True},
        headers={**hr.hr(), "If-Match": '"1"'},
    )
    assert_problem(stale, 412)
    refused = await hr.client.patch(
        f"{API}/leave-types/personal", json={"paid": True}, headers=hr.employee(None)
    )
    assert_problem(refused, 403, "hr_only")
    missing = await hr.client.patch(
        f"{API}/leave-types/sabbatical", json={"paid": True}, headers=hr.hr()
    )
    assert_problem(missing, 404)


@pytest.mark.parametrize("year", [0, 10000, 2031])
async def test_a_year_no_library_knows_is_weekends_only_not_an_error(
    hr: HrService, year: int
) -> None:
    response = await hr.client.get(f"{API}/calendars/{year}", headers=hr.employee(None))

    assert response.status_code == 200, response.text
    assert response.json()["holidays"] == [] and "does not know it" in response.json()["note"]
