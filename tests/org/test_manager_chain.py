"""The chain of managers: the reporting line first, department heads up the tree as the fallback."""

from typing import Any

from tests.org.conftest import API, OrgService
from tests.problems import assert_problem


async def chain(org: OrgService, employee: dict[str, Any], levels: int = 1) -> list[tuple]:
    """(name, source, department code or None) per link."""
    response = await org.client.get(
        f"{API}/employees/{employee['id']}/managers",
        params={"levels": levels},
        headers=org.employee(),
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["employee_id"] == employee["id"]
    assert [link["level"] for link in body["managers"]] == list(range(1, len(body["managers"]) + 1))
    codes = {d["id"]: d["code"] for d in [await org.department(c) for c in ("GMO", "RND", "SALES")]}
    return [
        (link["employee"]["name"], link["source"], codes.get(link["department_id"]))
        for link in body["managers"]
    ]


async def company_with_heads(org: OrgService) -> dict[str, dict[str, Any]]:
    """The general manager heads the GMO, a director heads R&D; nobody has a manager yet."""
    people = {
        "gm": await org.hire("总经理", department="GMO"),
        "director": await org.hire("研发总监", department="RND"),
    }
    await org.set_head("GMO", people["gm"]["id"])
    await org.set_head("RND", people["director"]["id"])
    return people


async def test_the_reporting_line_comes_first(org: OrgService) -> None:
    await company_with_heads(org)
    lead = await org.hire("组长", department="RND")
    engineer = await org.hire("工程师", department="RND", manager_id=lead["id"])

    assert await chain(org, engineer) == [("组长", "manager", None)]


async def test_without_a_manager_the_department_head_is_next(org: OrgService) -> None:
    await company_with_heads(org)
    engineer = await org.hire("工程师", department="RND")

    assert await chain(org, engineer, levels=2) == [
        ("研发总监", "department_head", "RND"),
        ("总经理", "department_head", "GMO"),
    ]


async def test_a_department_head_reports_to_the_head_of_the_parent_department(
    org: OrgService,
) -> None:
    people = await company_with_heads(org)

    assert await chain(org, people["director"], levels=5) == [("总经理", "department_head", "GMO")]


async def test_a_department_without_a_head_falls_back_to_the_head_above(org: OrgService) -> None:
    await company_with_heads(org)
    seller = await org.hire("销售员", department="SALES")

    assert await chain(org, seller) == [("总经理", "department_head", "GMO")]


async def test_a_manager_who_left_is_skipped(org: OrgService) -> None:
    await company_with_heads(org)
    lead = await org.hire("前组长", department="RND", hire_date="2020-01-01")
    engineer = await org.hire("工程师", department="RND", manager_id=lead["id"])
    left = await org.client.post(
        f"{API}/employees/{lead['id']}/leave", json={"leave_date": "2024-12-31"}, headers=org.hr()
    )
    assert left.status_code == 200, left.text

    assert await chain(org, engineer, levels=2) == [
        ("研发总监", "department_head", "RND"),
        ("总经理", "department_head", "GMO"),
    ]


async def test_a_department_head_who_left_is_skipped(org: OrgService) -> None:
    people = await company_with_heads(org)
    engineer = await org.hire("工程师", department="RND")
    await org.client.post(
        f"{API}/employees/{people['director']['id']}/leave",
        json={"leave_date": "2025-01-31"},
        headers=org.hr(),
    )

    assert await chain(org, engineer) == [("总经理", "department_head", "GMO")]


async def test_levels_bound_the_chain(org: OrgService) -> None:
    await company_with_heads(org)
    lead = await org.hire("组长", department="RND")
    engineer = await org.hire("工程师", department="RND", manager_id=lead["id"])

    assert await chain(org, engineer, levels=1) == [("组长", "manager", None)]
    assert await chain(org, engineer, levels=2) == [
        ("组长", "manager", None),
        ("研发总监", "department_head", "RND"),
    ]
    full = [
        ("组长", "manager", None),
        ("研发总监", "department_head", "RND"),
        ("总经理", "department_head", "GMO"),
    ]
    assert await chain(org, engineer, levels=3) == full
    assert await chain(org, engineer, levels=20) == full


async def test_the_chain_ends_at_the_top_and_nobody_appears_twice(org: OrgService) -> None:
    people = await company_with_heads(org)
    # The engineer's manager is the director, who also heads R&D: the fallback from the
    # director must pass over R&D's head (the director again) to the GMO's.
    engineer = await org.hire("工程师", department="RND", manager_id=people["director"]["id"])

    links = await chain(org, engineer, levels=20)

    assert links == [("研发总监", "manager", None), ("总经理", "department_head", "GMO")]
    assert len({name for name, _, _ in links}) == len(links)
    assert await chain(org, people["gm"], levels=20) == []


async def test_a_reporting_line_into_the_head_above_is_not_repeated_by_the_fallback(
    org: OrgService,
) -> None:
    people = await company_with_heads(org)
    await org.client.patch(
        f"{API}/employees/{people['director']['id']}",
        json={"manager_id": people["gm"]["id"]},
        headers=org.hr(),
    )
    engineer = await org.hire("工程师", department="RND")

    assert await chain(org, engineer, levels=20) == [
        ("研发总监", "department_head", "RND"),
        ("总经理", "manager", None),
    ]


async def test_a_person_with_no_one_above_has_an_empty_chain(org: OrgService) -> None:
    loner = await org.hire("独行者", department="FIN")

    assert await chain(org, loner, levels=3) == []


async def test_levels_outside_1_to_20_are_refused(org: OrgService) -> None:
    someone = await org.hire("某人")

    for levels in (0, 21):
        response = await org.client.get(
            f"{API}/employees/{someone['id']}/managers",
            params={"levels": levels},
            headers=org.employee(),
        )
        assert_problem(response, 422, "validation_error")
