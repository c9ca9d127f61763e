"""Org refuses bad input cleanly and helps a UI find people: a unique-key race is a 409, one
root department, the caller's own record, pinyin search and sort, bounded text, scopes."""

import asyncio

import httpx

from tests.org.conftest import API, OrgService, csv_rows
from tests.problems import assert_problem


async def test_twenty_racing_creations_of_one_department_code_give_one_201_and_409s(
    org: OrgService,
) -> None:
    parent = await org.department_id("GMO")

    async def create(n: int) -> httpx.Response:
        return await org.client.post(
            f"{API}/departments",
            json={"code": "RACE", "name": f"竞速{n}", "parent_id": parent},
            headers=org.admin(),
        )

    answers = await asyncio.gather(*(create(n) for n in range(20)))

    statuses = [answer.status_code for answer in answers]
    assert statuses.count(201) == 1, [a.text for a in answers if a.status_code >= 500]
    assert set(statuses) == {201, 409}
    for answer in answers:
        if answer.status_code == 409:
            assert_problem(answer, 409)


async def test_a_second_root_department_is_refused(org: OrgService) -> None:
    created = await org.client.post(
        f"{API}/departments", json={"code": "ROOT2", "name": "第二个根"}, headers=org.admin()
    )
    child = await org.create_department("CHILD")
    moved_to_root = await org.client.patch(
        f"{API}/departments/{child['id']}", json={"parent_id": None}, headers=org.admin()
    )

    assert_problem(created, 409, "second_root")
    assert_problem(moved_to_root, 409, "second_root")
    roots = [
        d
        for d in (
            await org.client.get(f"{API}/departments", params={"limit": 200}, headers=org.admin())
        ).json()["items"]
        if d["parent_id"] is None
    ]
    assert [d["code"] for d in roots] == ["GMO"]


async def test_my_own_employee_record(org: OrgService) -> None:
    me = await org.hire("王五", id_number="110101199003071234")

    mine = await org.client.get(f"{API}/employees/me", headers=org.employee(me["id"]))
    unlinked = await org.client.get(f"{API}/employees/me", headers=org.admin())

    assert mine.status_code == 200, mine.text
    assert mine.json()["id"] == me["id"]
    assert mine.json()["id_number"] == "110101199003071234"
    assert mine.headers["etag"] == f'"{me["version"]}"'
    assert_problem(unlinked, 404, "no_employee")


async def test_my_own_record_is_read_only_here_and_says_so(org: OrgService) -> None:
    """``/employees/me`` answers GET only: a PATCH is 405 naming GET, not an id that fails
    to parse (the id routes take a UUID, so ``me`` is never read as one)."""
    me = await org.hire("赵六")

    patched = await org.client.patch(
        f"{API}/employees/me", json={"name": "赵七"}, headers=org.admin()
    )
    by_id = await org.client.get(f"{API}/employees/{me['id']}", headers=org.employee(me["id"]))

    assert_problem(patched, 405)
    assert patched.headers["allow"] == "GET"
    assert by_id.status_code == 200, by_id.text


async def _names(org: OrgService, **params: str) -> list[str]:
    response = await org.client.get(f"{API}/employees", params=params, headers=org.employee())
    assert response.status_code == 200, response.text
    return [item["name"] for item in response.json()["items"]]


async def test_names_are_found_by_pinyin_initials_and_full_width(org: OrgService) -> None:
    await org.hire("张三")
    await org.hire("李四")
    await org.hire("Ada Lovelace")

    assert await _names(org, q="张三") == ["张三"]
    assert await _names(org, q="zhangsan") == ["张三"]
    assert await _names(org, q="ZhangSan") == ["张三"]
    assert await _names(org, q="zs") == ["张三"]
    assert await _names(org, q="ｚｈａｎｇｓａｎ") == ["张三"]
    assert await _names(org, q="ｚｓ") == ["张三"]
    assert await _names(org, q="ＡＤＡ") == ["Ada Lovelace"]
    assert await _names(org, q="li si") == ["李四"]


async def test_chinese_names_sort_by_pinyin(org: OrgService) -> None:
    for name in ("张三", "安然", "李四", "Bob", "陈晨"):
        await org.hire(name, department="SALES")
    sales = await org.department_id("SALES")

    ascending = await _names(org, department_id=sales, sort="name")
    descending = await _names(org, department_id=sales, sort="-name")

    assert ascending == ["安然", "Bob", "陈晨", "李四", "张三"]
    assert descending == list(reversed(ascending))


async def test_departments_are_found_by_pinyin_and_initials(org: OrgService) -> None:
    await org.create_department("YF", name="云服务部")

    async def codes(q: str) -> list[str]:
        response = await org.client.get(
            f"{API}/departments", params={"q": q}, headers=org.employee()
        )
        assert response.status_code == 200, response.text
        return [d["code"] for d in response.json()["items"]]

    assert await codes("云服务") == ["YF"]
    assert await codes("yunfuwu") == ["YF"]
    assert await codes("yfwb") == ["YF"]
    assert await codes("ｙｕｎｆｕｗｕ") == ["YF"]


async def test_an_unknown_query_parameter_is_refused_naming_it(org: OrgService) -> None:
    response = await org.client.get(
        f"{API}/employees", params={"department": "RND"}, headers=org.employee()
    )

    body = assert_problem(response, 422, "unknown_parameter")
    assert body["parameters"] == ["department"]


async def test_a_cursor_under_other_filters_is_refused(org: OrgService) -> None:
    for n in range(3):
        await org.hire(f"员工{n}", department="SALES")
    sales = await org.department_id("SALES")
    first = await org.client.get(
        f"{API}/employees", params={"department_id": sales, "limit": 1}, headers=org.employee()
    )

    other = await org.client.get(
        f"{API}/employees",
        params={"status": "active", "limit": 1, "cursor": first.json()["next_cursor"]},
        headers=org.employee(),
    )

    assert_problem(other, 400, "cursor_mismatch")


async def test_free_text_has_a_declared_maximum(org: OrgService) -> None:
    document = {
        "title": "长文",
        "body": "字" * 100_001,
        "category": "notice",
        "owner_department_id": await org.department_id("GMO"),
    }

    too_long = await org.client.post(f"{API}/documents", json=document, headers=org.admin())
    charter = await org.client.post(
        f"{API}/departments",
        json={
            "code": "LONG",
            "name": "长章程",
            "parent_id": await org.department_id("GMO"),
            "charter": ["x" * 2001],
        },
        headers=org.admin(),
    )
    schema = (await org.client.get(f"{API}/openapi.json")).json()["components"]["schemas"]

    assert_problem(too_long, 422, "validation_error")
    assert_problem(charter, 422, "validation_error")
    assert schema["DocumentCreate"]["properties"]["body"]["maxLength"] == 100_000


async def test_nul_characters_are_refused_on_org(org: OrgService) -> None:
    party = await org.client.post(
        f"{API}/parties", json={"kind": "customer", "name": "坏\u0000名"}, headers=org.admin()
    )
    search = await org.client.get(
        f"{API}/employees", params={"q": "a\u0000"}, headers=org.employee()
    )

    assert_problem(party, 422, "nul_character")
    assert_problem(search, 422, "nul_character")


async def test_a_client_of_another_service_is_refused_by_org_itself(org: OrgService) -> None:
    hr_reader = await org.client.get(f"{API}/employees", headers=org.client_with("hr:read"))
    org_reader = await org.client.get(f"{API}/employees", headers=org.client_with("org:read"))
    org_reader_writing = await org.client.post(
        f"{API}/departments",
        json={"code": "X1", "name": "X", "parent_id": await org.department_id("GMO")},
        headers=org.client_with("org:read"),
    )

    assert_problem(hr_reader, 403, "insufficient_scope")
    assert org_reader.status_code == 200, org_reader.text
    assert_problem(org_reader_writing, 403, "insufficient_scope")


async def test_imported_employees_are_found_by_pinyin(org: OrgService) -> None:
    response = await org.import_csv(
        csv_rows([["I0001", "欧阳娜娜", "i0001@example.cn", "RND", "2024-03-01"]])
    )
    assert response.status_code == 201, response.text

    assert await _names(org, q="oyn") == ["欧阳娜娜"]
    assert await _names(org, q="ouyang") == ["欧阳娜娜"]


async def test_a_field_that_cannot_be_cleared_says_so_in_the_document(org: OrgService) -> None:
    """A change may leave out an employee's e-mail but not clear it: the document's schema
    for it is a string (not string-or-null), and null is refused as the document says."""
    schema = org.app.openapi()["components"]["schemas"]["EmployeeUpdate"]["properties"]
    assert schema["email"]["type"] == "string" and "anyOf" not in schema["email"]
    assert {"type": "null"} in schema["phone"]["anyOf"]  # a phone number may be cleared
    hired = await org.hire("钱八")

    cleared = await org.client.patch(
        f"{API}/employees/{hired['id']}", json={"email": None}, headers=org.hr()
    )
    phone_cleared = await org.client.patch(
        f"{API}/employees/{hired['id']}", json={"phone": None}, headers=org.hr()
    )

    assert_problem(cleared, 422, "validation_error")
    assert phone_cleared.status_code == 200, phone_cleared.text
