"""CSV import of employees: every row valid → all created at once; any row invalid → nothing."""

from typing import Any

import httpx

from tests.org.conftest import API, IMPORT_HEADER, OrgService, csv_rows
from tests.problems import assert_problem

SURNAMES = "王李张刘陈杨黄赵吴周"
GIVEN = "伟芳娜敏静丽强磊军洋"


def chinese_name(i: int) -> str:
    return SURNAMES[i % 10] + GIVEN[(i // 10) % 10] + GIVEN[(i // 100) % 10]


def good_rows(count: int, start: int = 1, department: str = "RND") -> list[tuple]:
    return [
        (f"I{i:05d}", chinese_name(i), f"i{i:05d}@example.cn", department, "2024-07-01")
        for i in range(start, start + count)
    ]


async def imported(org: OrgService, response: httpx.Response) -> list[str]:
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    assert body["created"] == len(body["employee_ids"])
    return body["employee_ids"]


async def by_number(org: OrgService, number: str) -> dict[str, Any]:
    response = await org.client.get(f"{API}/employees", params={"q": number}, headers=org.hr())
    items = response.json()["items"]
    assert len(items) == 1, items
    found: dict[str, Any] = items[0]
    return found


async def test_a_utf8_file_with_chinese_names_is_imported(org: OrgService) -> None:
    content = csv_rows(
        [
            ("C001", "欧阳娜娜", "ouyang@example.cn", "MKT", "2023-09-01"),
            ("C002", "司马相如", "sima@example.cn", "SALES", "2022-01-15"),
        ]
    )

    ids = await imported(org, await org.import_csv(content))

    assert len(ids) == 2
    first = await by_number(org, "C001")
    assert (first["name"], first["department_id"]) == ("欧阳娜娜", await org.department_id("MKT"))
    assert (await by_number(org, "C002"))["name"] == "司马相如"


async def test_a_utf8_file_with_a_byte_order_mark_is_imported(org: OrgService) -> None:
    content = "\ufeff" + csv_rows([("B001", "诸葛亮", "zhuge@example.cn", "GMO", "2021-03-01")])

    ids = await imported(org, await org.import_csv(content.encode("utf-8")))

    assert len(ids) == 1
    assert (await by_number(org, "B001"))["name"] == "诸葛亮"


async def test_optional_columns_are_read(org: OrgService) -> None:
    position = await org.client.post(
        f"{API}/positions",
        json={
            "title": "销售代表",
            "grade": "S3",
            "department_id": await org.department_id("SALES"),
        },
        headers=org.hr(),
    )
    header = (
        IMPORT_HEADER
        + ",phone,position_title,employment_type,is_management,status,work_start_date,id_number,birth_date"
    )
    content = csv_rows(
        [
            (
                "O001",
                "孙悟空",
                "sun@example.cn",
                "SALES",
                "2024-01-02",
                "13800000000",
                "销售代表",
                "part_time",
                "是",
                "onboarding",
                "2018-07-01",
                "110101199003074518",
                "1990-03-07",
            )
        ],
        header=header,
    )

    await imported(org, await org.import_csv(content))

    someone = await by_number(org, "O001")
    assert someone["position_id"] == position.json()["id"]
    assert (someone["employment_type"], someone["is_management"], someone["status"]) == (
        "part_time",
        True,
        "onboarding",
    )
    assert (someone["phone"], someone["work_start_date"]) == ("13800000000", "2018-07-01")
    assert (someone["id_number"], someone["birth_date"]) == ("110101199003074518", "1990-03-07")


async def test_ten_thousand_rows_are_imported_in_one_request(org: OrgService) -> None:
    content = csv_rows(good_rows(10_000))

    ids = await imported(org, await org.import_csv(content))

    assert len(ids) == len(set(ids)) == 10_000
    assert await org.employee_count() == 10_000


async def test_a_bad_row_at_the_end_refuses_the_whole_file(org: OrgService) -> None:
    await org.hire("已在职")
    before = await org.employee_count()
    rows = [*good_rows(2_000), ("I99999", "最后一行", "not-an-email", "RND", "2024-13-01")]

    response = await org.import_csv(csv_rows(rows))

    body = assert_problem(response, 422, "invalid_import")
    last_line = len(rows) + 1  # the header is line 1
    assert {(e["row"], e["field"]) for e in body["row_errors"]} == {
        (last_line, "email"),
        (last_line, "hire_date"),
    }
    assert all(e["message"] for e in body["row_errors"])
    assert await org.employee_count() == before


async def test_a_refused_import_publishes_no_event(org: OrgService) -> None:
    head = await org.feed_head()
    rows = [*good_rows(50), ("I99999", "坏行", "bad@example.cn", "NOPE", "2024-01-01")]

    refused = await org.import_csv(csv_rows(rows))
    assert_problem(refused, 422, "invalid_import")
    await org.create_department("MARK")  # a change whose event follows any earlier one

    events = await org.events_after(head)
    assert [e["type"] for e in events] == ["org.department.created"]


async def test_every_row_error_names_its_line_and_field(org: OrgService) -> None:
    await org.hire("已有", employee_number="TAKEN", email="taken@example.cn")
    content = csv_rows(
        [
            ("D001", "甲", "jia@example.cn", "RND", "2024-01-01"),
            ("", "乙", "yi@example.cn", "RND", "2024-01-01"),
            ("TAKEN", "丙", "bing@example.cn", "RND", "2024-01-01"),
            ("D004", "丁", "TAKEN@example.cn", "RND", "2024-01-01"),
            ("D005", "戊", "wu@example.cn", "NOPE", "2024-01-01"),
            ("D006", "己", "ji@example.cn", "RND", "01/02/2024"),
        ]
    )

    body = assert_problem(await org.import_csv(content), 422, "invalid_import")

    assert [(e["row"], e["field"]) for e in body["row_errors"]] == [
        (3, "employee_number"),
        (4, "employee_number"),
        (5, "email"),
        (6, "department_code"),
        (7, "hire_date"),
    ]
    assert "6 row(s)" not in body["detail"] and "5 row(s)" in body["detail"]
    assert await org.employee_count() == 1


async def test_duplicates_within_the_file_are_refused(org: OrgService) -> None:
    content = csv_rows(
        [
            ("D001", "甲", "jia@example.cn", "RND", "2024-01-01"),
            ("D002", "乙", "yi@example.cn", "RND", "2024-01-01"),
            ("D001", "丙", "bing@example.cn", "RND", "2024-01-01"),
            ("D004", "丁", "YI@example.cn", "RND", "2024-01-01"),
        ]
    )

    body = assert_problem(await org.import_csv(content), 422, "invalid_import")

    errors = {(e["row"], e["field"]): e["message"] for e in body["row_errors"]}
    assert set(errors) == {(4, "employee_number"), (5, "email")}
    assert "line 2" in errors[(4, "employee_number")]
    assert "line 3" in errors[(5, "email")]
    assert await org.employee_count() == 0


async def test_a_manager_may_be_a_later_row_of_the_same_file(org: OrgService) -> None:
    existing = await org.hire("老板", employee_number="BOSS")
    header = IMPORT_HEADER + ",manager_employee_number"
    content = csv_rows(
        [
            ("M001", "下属", "m1@example.cn", "RND", "2024-01-01", "M002"),
            ("M002", "经理", "m2@example.cn", "RND", "2024-01-01", "BOSS"),
            ("M003", "同级", "m3@example.cn", "RND", "2024-01-01", ""),
        ],
        header=header,
    )

    await imported(org, await org.import_csv(content))

    manager = await by_number(org, "M002")
    assert (await by_number(org, "M001"))["manager_id"] == manager["id"]
    assert manager["manager_id"] == existing["id"]
    assert (await by_number(org, "M003"))["manager_id"] is None


async def test_a_reporting_cycle_inside_the_file_is_refused(org: OrgService) -> None:
    header = IMPORT_HEADER + ",manager_employee_number"
    content = csv_rows(
        [
            ("Y001", "甲", "y1@example.cn", "RND", "2024-01-01", "Y002"),
            ("Y002", "乙", "y2@example.cn", "RND", "2024-01-01", "Y003"),
            ("Y003", "丙", "y3@example.cn", "RND", "2024-01-01", "Y001"),
            ("Y004", "丁", "y4@example.cn", "RND", "2024-01-01", "Y004"),
            ("Y005", "戊", "y5@example.cn", "RND", "2024-01-01", "NOBODY"),
        ],
        header=header,
    )

    body = assert_problem(await org.import_csv(content), 422, "invalid_import")

    assert {e["field"] for e in body["row_errors"]} == {"manager_employee_number"}
    rows = {e["row"]: e["message"] for e in body["row_errors"]}
    assert 5 in rows and 6 in rows  # managing themself; an unknown manager
    cycle = [message for row, message in rows.items() if row in (2, 3, 4)]
    assert len(cycle) == 1 and "cycle" in cycle[0]
    assert await org.employee_count() == 0


async def test_an_unknown_column_is_refused(org: OrgService) -> None:
    content = csv_rows(
        [("U001", "甲", "u1@example.cn", "RND", "2024-01-01", "30000")],
        header=IMPORT_HEADER + ",salary",
    )

    body = assert_problem(await org.import_csv(content), 422, "invalid_import_header")

    assert "salary" in body["detail"]
    assert await org.employee_count() == 0


async def test_a_missing_required_column_is_refused(org: OrgService) -> None:
    content = "employee_number,name,email,hire_date\nU001,甲,u1@example.cn,2024-01-01\n"

    body = assert_problem(await org.import_csv(content), 422, "invalid_import_header")

    assert "department_code" in body["detail"]


async def test_a_file_that_is_not_utf8_is_refused(org: OrgService) -> None:
    content = csv_rows([("G001", "国标", "gb@example.cn", "RND", "2024-01-01")]).encode("gbk")

    assert_problem(await org.import_csv(content), 422, "invalid_encoding")


async def test_an_empty_file_is_refused(org: OrgService) -> None:
    assert_problem(await org.import_csv(IMPORT_HEADER + "\n"), 422, "empty_import")


async def test_rows_for_an_archived_department_are_refused(org: OrgService) -> None:
    legal = await org.create_department("LEGAL")
    await org.client.patch(
        f"{API}/departments/{legal['id']}", json={"status": "archived"}, headers=org.admin()
    )

    body = assert_problem(
        await org.import_csv(csv_rows(good_rows(1, department="LEGAL"))), 422, "invalid_import"
    )

    assert [(e["row"], e["field"]) for e in body["row_errors"]] == [(2, "department_code")]


async def test_only_hr_imports(org: OrgService) -> None:
    response = await org.import_csv(csv_rows(good_rows(1)), headers=org.employee())

    assert_problem(response, 403, "hr_only")
    assert await org.employee_count() == 0


async def test_a_reporting_line_may_run_down_thousands_of_rows(org: OrgService) -> None:
    # Each row reports to the next one: every manager is a later row, across insert batches.
    count = 2_500
    header = IMPORT_HEADER + ",manager_employee_number"
    rows = [
        (*row, f"I{i + 1:05d}" if i < count else "")
        for i, row in enumerate(good_rows(count), start=1)
    ]

    ids = await imported(org, await org.import_csv(csv_rows(rows, header=header)))

    assert len(ids) == count
    first, second = await by_number(org, "I00001"), await by_number(org, "I00002")
    assert first["manager_id"] == second["id"]
    assert (await by_number(org, f"I{count:05d}"))["manager_id"] is None


async def test_values_longer_than_their_fields_are_row_errors(org: OrgService) -> None:
    content = csv_rows(
        [
            ("OK-1", "甲", "ok1@example.cn", "RND", "2024-01-01", "", ""),
            ("N" * 33, "乙", "n@example.cn", "RND", "2024-01-01", "1" * 41, "9" * 33),
        ],
        header=IMPORT_HEADER + ",phone,id_number",
    )

    body = assert_problem(await org.import_csv(content), 422, "invalid_import")

    assert [(e["row"], e["field"]) for e in body["row_errors"]] == [
        (3, "employee_number"),
        (3, "phone"),
        (3, "id_number"),
    ]
    assert await org.employee_count() == 0


async def test_an_import_retried_with_its_idempotency_key_is_applied_once(org: OrgService) -> None:
    """A multipart body and an Idempotency-Key: the kit reads the body for both (was a 500)."""
    content = csv_rows(good_rows(2, start=900)).encode()
    request = org.client.build_request(
        "POST",
        f"{API}/employee-imports",
        files={"file": ("employees.csv", content, "text/csv")},
        headers={**org.hr(), "Idempotency-Key": "import-900"},
    )
    body = request.read()  # the same bytes (and multipart boundary) both times, as a retry sends

    first = await org.client.post(request.url, content=body, headers=request.headers)
    again = await org.client.post(request.url, content=body, headers=request.headers)

    assert first.status_code == 201, first.text
    assert again.status_code == 201
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json() == first.json()
    assert len(first.json()["employee_ids"]) == 2


async def test_an_employee_may_not_import_even_with_an_idempotency_key(org: OrgService) -> None:
    response = await org.import_csv(
        IMPORT_HEADER + "\n", headers={**org.employee(), "Idempotency-Key": "import-erin"}
    )

    assert_problem(response, 403)
