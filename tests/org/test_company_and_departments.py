"""The company profile, the department tree, the org chart and positions."""

from pathlib import Path

import pytest

from services.org.reference import load_reference_data
from tests.org.conftest import API, OrgService
from tests.problems import assert_problem

SEVEN = {
    "GMO": ("总经理办公室", "General Manager's Office"),
    "RND": ("研发部", "Research and Development"),
    "MKT": ("市场部", "Marketing"),
    "SALES": ("销售部", "Sales"),
    "TS": ("技术支持部", "Technical Support"),
    "FIN": ("财务部", "Finance"),
    "HR": ("人力资源部", "Human Resources"),
}
VALID_CREDIT_CODE = "91310000MA1FL8XQ3B"


# ---- reference data ----------------------------------------------------------------


async def test_reference_data_holds_the_seven_departments_with_both_names_and_charters(
    org: OrgService,
) -> None:
    response = await org.client.get(f"{API}/departments", headers=org.employee())

    assert response.status_code == 200, response.text
    departments = {d["code"]: d for d in response.json()["items"]}
    assert set(departments) == set(SEVEN)
    for code, (name, name_en) in SEVEN.items():
        department = departments[code]
        assert (department["name"], department["name_en"]) == (name, name_en)
        assert department["status"] == "active"
        assert department["charter"] and all(line.strip() for line in department["charter"])
        assert len(department["charter_en"]) == len(department["charter"])
        assert all(line.isascii() for line in department["charter_en"])
        assert not all(line.isascii() for line in department["charter"])


async def test_the_general_managers_office_is_the_root_and_the_other_six_sit_under_it(
    org: OrgService,
) -> None:
    gmo = await org.department("GMO")

    assert gmo["parent_id"] is None
    for code in set(SEVEN) - {"GMO"}:
        assert (await org.department(code))["parent_id"] == gmo["id"]


async def test_loading_the_reference_data_again_changes_nothing(
    org: OrgService, tmp_path: Path
) -> None:
    await load_reference_data(url=org.db.url, schema=org.db.schema, data_dir=tmp_path, demo=False)

    response = await org.client.get(f"{API}/departments", headers=org.admin())
    assert len(response.json()["items"]) == 7


# ---- company -----------------------------------------------------------------------


async def test_everyone_reads_the_company_profile_with_its_etag(org: OrgService) -> None:
    response = await org.client.get(f"{API}/company", headers=org.employee())

    assert response.status_code == 200, response.text
    company = response.json()
    assert company["name"] == "示例网络科技有限公司"
    assert company["structure_type"] == "line_functional"
    assert company["default_currency"] == "CNY"
    assert response.headers["etag"] == f'"{company["version"]}"'


@pytest.mark.parametrize("role", ["admin", "gm"])
async def test_admins_and_the_general_manager_change_the_company_profile(
    org: OrgService, role: str
) -> None:
    response = await org.client.patch(
        f"{API}/company",
        json={
            "structure_type": "matrix",
            "registered_address": "上海市浦东新区张江路 1 号",
            "unified_social_credit_code": VALID_CREDIT_CODE.lower(),
        },
        headers=org.as_user(role),
    )

    assert response.status_code == 200, response.text
    company = response.json()
    assert company["structure_type"] == "matrix"
    assert company["registered_address"] == "上海市浦东新区张江路 1 号"
    assert company["unified_social_credit_code"] == VALID_CREDIT_CODE
    assert company["version"] == 2


@pytest.mark.parametrize("role", ["hr", "employee"])
async def test_hr_and_employees_may_not_change_the_company_profile(
    org: OrgService, role: str
) -> None:
    response = await org.client.patch(
        f"{API}/company", json={"name": "别的公司"}, headers=org.as_user(role)
    )

    assert_problem(response, 403)
    company = (await org.client.get(f"{API}/company", headers=org.admin())).json()
    assert company["name"] == "示例网络科技有限公司"


@pytest.mark.parametrize(
    "code",
    [
        "91310000MA1FL8XQ3",  # 17 characters
        "91310000MA1FL8XQ3BX",  # 19 characters
        "91310000MA1FL8XQ3I",  # I is not used
        "9131000OMA1FL8XQ3B",  # a letter where digits belong
    ],
)
async def test_an_invalid_unified_social_credit_code_is_refused(org: OrgService, code: str) -> None:
    response = await org.client.patch(
        f"{API}/company", json={"unified_social_credit_code": code}, headers=org.admin()
    )

    body = assert_problem(response, 422, "validation_error")
    assert ["body", "unified_social_credit_code"] in [e["loc"] for e in body["errors"]]


async def test_the_structure_type_is_one_of_three(org: OrgService) -> None:
    refused = await org.client.patch(
        f"{API}/company", json={"structure_type": "flat"}, headers=org.admin()
    )
    assert_problem(refused, 422, "validation_error")

    for structure in ("divisional", "matrix", "line_functional"):
        accepted = await org.client.patch(
            f"{API}/company", json={"structure_type": structure}, headers=org.admin()
        )
        assert accepted.status_code == 200, accepted.text
        assert accepted.json()["structure_type"] == structure


async def test_unknown_fields_in_the_company_profile_are_refused(org: OrgService) -> None:
    response = await org.client.patch(
        f"{API}/company", json={"name": "新名字", "motto": "更快"}, headers=org.admin()
    )

    body = assert_problem(response, 422, "validation_error")
    assert ["body", "motto"] in [e["loc"] for e in body["errors"]]


# ---- departments -------------------------------------------------------------------


async def test_a_department_is_created_under_a_parent(org: OrgService) -> None:
    created = await org.create_department(
        "LEGAL",
        name="法务部",
        name_en="Legal",
        charter=["审核合同。"],
        charter_en=["Reviews contracts."],
    )

    assert created["parent_id"] == await org.department_id("GMO")
    assert created["status"] == "active"
    assert created["version"] == 1
    read = await org.client.get(f"{API}/departments/{created['id']}", headers=org.employee())
    assert read.json()["charter"] == ["审核合同。"]
    assert read.headers["etag"] == '"1"'


async def test_a_duplicate_department_code_is_refused(org: OrgService) -> None:
    response = await org.client.post(
        f"{API}/departments", json={"code": "RND", "name": "第二研发部"}, headers=org.admin()
    )

    assert_problem(response, 409, "duplicate_code")


async def test_renaming_a_department_to_another_ones_code_is_refused(org: OrgService) -> None:
    mkt = await org.department("MKT")

    response = await org.client.patch(
        f"{API}/departments/{mkt['id']}", json={"code": "SALES"}, headers=org.admin()
    )

    assert_problem(response, 409, "duplicate_code")


async def test_moving_the_general_managers_office_under_one_of_its_children_is_refused(
    org: OrgService,
) -> None:
    gmo = await org.department("GMO")

    response = await org.client.patch(
        f"{API}/departments/{gmo['id']}",
        json={"parent_id": await org.department_id("RND")},
        headers=org.admin(),
    )

    assert_problem(response, 409, "department_cycle")
    assert (await org.client.get(f"{API}/departments/{gmo['id']}", headers=org.admin())).json()[
        "parent_id"
    ] is None


async def test_a_department_cannot_be_its_own_parent_nor_sit_under_its_grandchild(
    org: OrgService,
) -> None:
    child = await org.create_department("RND-AI", parent="RND")
    grandchild = await org.create_department("RND-AI-NLP", parent="RND-AI")
    rnd = await org.department("RND")

    own = await org.client.patch(
        f"{API}/departments/{rnd['id']}", json={"parent_id": rnd["id"]}, headers=org.admin()
    )
    deep = await org.client.patch(
        f"{API}/departments/{rnd['id']}", json={"parent_id": grandchild["id"]}, headers=org.admin()
    )

    assert_problem(own, 409, "department_cycle")
    assert_problem(deep, 409, "department_cycle")
    assert child["parent_id"] == rnd["id"]


async def test_archiving_a_department_with_active_members_is_refused(org: OrgService) -> None:
    await org.hire("李四", department="MKT")
    mkt = await org.department("MKT")

    response = await org.client.patch(
        f"{API}/departments/{mkt['id']}", json={"status": "archived"}, headers=org.admin()
    )

    assert_problem(response, 409, "department_has_members")
    read = await org.client.get(f"{API}/departments/{mkt['id']}", headers=org.admin())
    assert read.json()["status"] == "active"


async def test_archiving_an_empty_department_works(org: OrgService) -> None:
    legal = await org.create_department("LEGAL")

    response = await org.client.patch(
        f"{API}/departments/{legal['id']}", json={"status": "archived"}, headers=org.admin()
    )

    assert response.status_code == 200, response.text
    assert response.json()["status"] == "archived"
    active = await org.client.get(
        f"{API}/departments", params={"status": "active"}, headers=org.admin()
    )
    assert "LEGAL" not in {d["code"] for d in active.json()["items"]}


async def test_departments_are_found_by_code(org: OrgService) -> None:
    by_code = await org.client.get(
        f"{API}/departments", params={"code": "SALES"}, headers=org.employee()
    )
    unknown = await org.client.get(
        f"{API}/departments", params={"code": "NOPE"}, headers=org.employee()
    )

    assert by_code.status_code == 200, by_code.text
    assert [d["code"] for d in by_code.json()["items"]] == ["SALES"]
    assert unknown.json()["items"] == []


async def test_a_department_whose_members_all_left_can_be_archived(org: OrgService) -> None:
    legal = await org.create_department("LEGAL")
    member = await org.hire("王五", department="LEGAL", hire_date="2023-01-01")
    left = await org.client.post(
        f"{API}/employees/{member['id']}/leave", json={"leave_date": "2024-01-31"}, headers=org.hr()
    )
    assert left.status_code == 200, left.text

    response = await org.client.patch(
        f"{API}/departments/{legal['id']}", json={"status": "archived"}, headers=org.admin()
    )

    assert response.status_code == 200, response.text


async def test_creating_an_employee_in_an_archived_department_is_refused(
    org: OrgService,
) -> None:
    legal = await org.create_department("LEGAL")
    await org.client.patch(
        f"{API}/departments/{legal['id']}", json={"status": "archived"}, headers=org.admin()
    )

    response = await org.client.post(
        f"{API}/employees",
        json={
            "employee_number": "L001",
            "name": "赵六",
            "email": "zhao@example.cn",
            "department_id": legal["id"],
            "hire_date": "2025-01-02",
        },
        headers=org.hr(),
    )

    assert_problem(response, 409, "department_archived")
    assert await org.employee_count() == 0


async def test_a_department_cannot_be_created_under_an_archived_one(org: OrgService) -> None:
    legal = await org.create_department("LEGAL")
    await org.client.patch(
        f"{API}/departments/{legal['id']}", json={"status": "archived"}, headers=org.admin()
    )

    response = await org.client.post(
        f"{API}/departments",
        json={"code": "LEGAL-IP", "name": "知识产权组", "parent_id": legal["id"]},
        headers=org.admin(),
    )

    assert_problem(response, 409, "department_archived")


@pytest.mark.parametrize("role", ["hr", "employee"])
async def test_only_admins_and_the_general_manager_create_departments(
    org: OrgService, role: str
) -> None:
    response = await org.client.post(
        f"{API}/departments", json={"code": "OPS", "name": "运营部"}, headers=org.as_user(role)
    )

    assert_problem(response, 403)


async def test_unknown_fields_in_a_department_are_refused(org: OrgService) -> None:
    response = await org.client.post(
        f"{API}/departments",
        json={"code": "OPS", "name": "运营部", "budget": "100.00"},
        headers=org.admin(),
    )

    body = assert_problem(response, 422, "validation_error")
    assert ["body", "budget"] in [e["loc"] for e in body["errors"]]


async def test_members_of_a_department_with_and_without_its_subtree(org: OrgService) -> None:
    await org.create_department("RND-AI", parent="RND")
    await org.create_department("RND-AI-NLP", parent="RND-AI")
    direct = await org.hire("研发甲", department="RND")
    ai = await org.hire("算法乙", department="RND-AI")
    nlp = await org.hire("语言丙", department="RND-AI-NLP")
    await org.hire("市场丁", department="MKT")
    rnd_id = await org.department_id("RND")

    own = await org.client.get(f"{API}/departments/{rnd_id}/members", headers=org.employee())
    subtree = await org.client.get(
        f"{API}/departments/{rnd_id}/members",
        params={"include_subtree": "true"},
        headers=org.employee(),
    )

    assert own.status_code == 200, own.text
    assert {e["id"] for e in own.json()["items"]} == {direct["id"]}
    assert {e["id"] for e in subtree.json()["items"]} == {direct["id"], ai["id"], nlp["id"]}


async def test_members_who_left_are_listed_only_when_asked(org: OrgService) -> None:
    stays = await org.hire("留下", department="TS", hire_date="2022-01-01")
    goes = await org.hire("离开", department="TS", hire_date="2022-01-01")
    await org.client.post(
        f"{API}/employees/{goes['id']}/leave", json={"leave_date": "2024-06-30"}, headers=org.hr()
    )
    ts_id = await org.department_id("TS")

    current = await org.client.get(f"{API}/departments/{ts_id}/members", headers=org.hr())
    everyone = await org.client.get(
        f"{API}/departments/{ts_id}/members", params={"include_left": "true"}, headers=org.hr()
    )

    assert {e["id"] for e in current.json()["items"]} == {stays["id"]}
    assert {e["id"] for e in everyone.json()["items"]} == {stays["id"], goes["id"]}


# ---- org chart -----------------------------------------------------------------------


async def test_the_org_chart_shows_heads_and_own_and_total_head_counts(org: OrgService) -> None:
    general_manager = await org.hire("总经理", department="GMO")
    await org.set_head("GMO", general_manager["id"])
    rnd_head = await org.hire("研发总监", department="RND")
    await org.set_head("RND", rnd_head["id"])
    await org.hire("工程师一", department="RND")
    await org.create_department("RND-AI", parent="RND")
    await org.hire("算法一", department="RND-AI")
    await org.hire("算法二", department="RND-AI")
    gone = await org.hire("算法三", department="RND-AI", hire_date="2020-01-01")
    await org.client.post(
        f"{API}/employees/{gone['id']}/leave", json={"leave_date": "2021-01-01"}, headers=org.hr()
    )
    await org.hire("销售一", department="SALES")

    response = await org.client.get(f"{API}/org-chart", headers=org.employee())

    assert response.status_code == 200, response.text
    roots = response.json()
    assert [root["code"] for root in roots] == ["GMO"]
    gmo = roots[0]
    assert gmo["head"]["id"] == general_manager["id"]
    assert (gmo["head_count"], gmo["total_head_count"]) == (1, 6)
    children = {child["code"]: child for child in gmo["children"]}
    assert set(children) == {"RND", "MKT", "SALES", "TS", "FIN", "HR"}
    rnd = children["RND"]
    assert rnd["head"]["id"] == rnd_head["id"]
    assert rnd["head"]["name"] == "研发总监"
    assert (rnd["head_count"], rnd["total_head_count"]) == (2, 4)
    ai = rnd["children"][0]
    assert (ai["code"], ai["head"], ai["head_count"], ai["total_head_count"]) == (
        "RND-AI",
        None,
        2,
        2,
    )
    assert (children["SALES"]["head_count"], children["SALES"]["total_head_count"]) == (1, 1)
    assert children["FIN"]["head"] is None
    assert (children["FIN"]["head_count"], children["FIN"]["total_head_count"]) == (0, 0)


async def test_the_org_chart_leaves_out_archived_departments_unless_asked(
    org: OrgService,
) -> None:
    legal = await org.create_department("LEGAL")
    await org.client.patch(
        f"{API}/departments/{legal['id']}", json={"status": "archived"}, headers=org.admin()
    )

    default = (await org.client.get(f"{API}/org-chart", headers=org.employee())).json()
    everything = (
        await org.client.get(
            f"{API}/org-chart", params={"include_archived": "true"}, headers=org.employee()
        )
    ).json()

    assert "LEGAL" not in {c["code"] for c in default[0]["children"]}
    assert "LEGAL" in {c["code"] for c in everything[0]["children"]}


# ---- positions -----------------------------------------------------------------------


async def _position(org: OrgService, title: str, department: str = "RND") -> dict:
    response = await org.client.post(
        f"{API}/positions",
        json={"title": title, "grade": "P5", "department_id": await org.department_id(department)},
        headers=org.hr(),
    )
    assert response.status_code == 201, response.text
    return response.json()


async def test_hr_creates_positions_and_everyone_reads_them(org: OrgService) -> None:
    position = await _position(org, "后端工程师")

    listed = await org.client.get(
        f"{API}/positions",
        params={"department_id": await org.department_id("RND")},
        headers=org.employee(),
    )

    assert position["grade"] == "P5"
    assert [p["id"] for p in listed.json()["items"]] == [position["id"]]


@pytest.mark.parametrize("role", ["employee", "gm"])
async def test_only_hr_writes_positions(org: OrgService, role: str) -> None:
    response = await org.client.post(
        f"{API}/positions",
        json={
            "title": "测试工程师",
            "grade": "P4",
            "department_id": await org.department_id("RND"),
        },
        headers=org.as_user(role),
    )

    assert_problem(response, 403, "hr_only")


async def test_a_duplicate_position_title_in_a_department_is_refused(org: OrgService) -> None:
    await _position(org, "产品经理", "MKT")

    again = await org.client.post(
        f"{API}/positions",
        json={"title": "产品经理", "grade": "P6", "department_id": await org.department_id("MKT")},
        headers=org.hr(),
    )
    elsewhere = await org.client.post(
        f"{API}/positions",
        json={"title": "产品经理", "grade": "P6", "department_id": await org.department_id("RND")},
        headers=org.hr(),
    )

    assert_problem(again, 409, "duplicate_position")
    assert elsewhere.status_code == 201, elsewhere.text


async def test_deleting_a_held_position_is_refused(org: OrgService) -> None:
    position = await _position(org, "架构师")
    await org.hire("架构师甲", department="RND", position_id=position["id"])

    response = await org.client.delete(f"{API}/positions/{position['id']}", headers=org.hr())

    assert_problem(response, 409, "position_in_use")
    still = await org.client.get(f"{API}/positions/{position['id']}", headers=org.hr())
    assert still.status_code == 200


async def test_deleting_a_position_nobody_holds_works(org: OrgService) -> None:
    position = await _position(org, "实习生导师")

    response = await org.client.delete(f"{API}/positions/{position['id']}", headers=org.hr())

    assert response.status_code == 204, response.text
    gone = await org.client.get(f"{API}/positions/{position['id']}", headers=org.hr())
    assert_problem(gone, 404, "not_found")
