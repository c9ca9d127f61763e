"""External parties: any employee registers one and owns it; the owner, the GM and admins change it."""

from typing import Any

from tests.org.conftest import API, OrgService
from tests.problems import assert_problem

CREDIT_CODE = "91440300MA5F88881K"


async def register(org: OrgService, headers: dict[str, str], **fields: Any) -> dict[str, Any]:
    body = {"kind": "customer", "name": "华南贸易有限公司", **fields}
    response = await org.client.post(f"{API}/parties", json=body, headers=headers)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def test_any_employee_registers_a_party_and_owns_it(org: OrgService) -> None:
    seller = await org.hire("销售员", department="SALES")

    party = await register(
        org, org.employee(seller["id"], "seller"), credit_code=CREDIT_CODE, tier="A"
    )

    assert party["owner_employee_id"] == seller["id"]
    assert party["created_by"] == "user:seller"
    assert party["credit_code"] == CREDIT_CODE
    read = await org.client.get(f"{API}/parties/{party['id']}", headers=org.employee())
    assert read.json()["name"] == "华南贸易有限公司"


async def test_a_person_without_an_employee_record_cannot_register_a_party(
    org: OrgService,
) -> None:
    response = await org.client.post(
        f"{API}/parties", json={"kind": "supplier", "name": "无主供应商"}, headers=org.employee()
    )

    assert_problem(response, 403, "not_party_owner")


async def test_the_owner_changes_the_party_and_its_contacts(org: OrgService) -> None:
    seller = await org.hire("销售员", department="SALES")
    owner = org.employee(seller["id"], "seller")
    party = await register(org, owner)

    patched = await org.client.patch(
        f"{API}/parties/{party['id']}",
        json={"tier": "B", "address": "深圳市南山区科技园"},
        headers={**owner, "If-Match": '"1"'},
    )
    contact = await org.client.post(
        f"{API}/parties/{party['id']}/contacts",
        json={
            "name": "刘经理",
            "title": "采购经理",
            "phone": "0755-12345678",
            "email": "liu@hn.cn",
        },
        headers=owner,
    )
    renamed = await org.client.patch(
        f"{API}/parties/{party['id']}/contacts/{contact.json()['id']}",
        json={"title": "采购总监"},
        headers=owner,
    )
    contacts = await org.client.get(f"{API}/parties/{party['id']}/contacts", headers=org.employee())

    assert patched.status_code == 200, patched.text
    assert (patched.json()["tier"], patched.json()["version"]) == ("B", 2)
    assert contact.status_code == 201, contact.text
    assert renamed.json()["title"] == "采购总监"
    assert [(c["name"], c["title"]) for c in contacts.json()["items"]] == [("刘经理", "采购总监")]
    removed = await org.client.delete(
        f"{API}/parties/{party['id']}/contacts/{contact.json()['id']}", headers=owner
    )
    assert removed.status_code == 204, removed.text
    contacts = await org.client.get(f"{API}/parties/{party['id']}/contacts", headers=owner)
    assert contacts.json()["items"] == []


async def test_another_employee_cannot_change_someone_elses_party(org: OrgService) -> None:
    seller = await org.hire("销售员", department="SALES")
    rival = await org.hire("另一位销售", department="SALES")
    party = await register(org, org.employee(seller["id"], "seller"))
    contact = await org.client.post(
        f"{API}/parties/{party['id']}/contacts",
        json={"name": "刘经理"},
        headers=org.employee(seller["id"], "seller"),
    )
    intruder = org.employee(rival["id"], "rival")

    patched = await org.client.patch(
        f"{API}/parties/{party['id']}", json={"tier": "C"}, headers=intruder
    )
    added = await org.client.post(
        f"{API}/parties/{party['id']}/contacts", json={"name": "冒名者"}, headers=intruder
    )
    removed = await org.client.delete(
        f"{API}/parties/{party['id']}/contacts/{contact.json()['id']}", headers=intruder
    )

    for response in (patched, added, removed):
        assert_problem(response, 403, "not_party_owner")
    read = await org.client.get(f"{API}/parties/{party['id']}", headers=org.employee())
    assert read.json()["tier"] is None
    contacts = await org.client.get(f"{API}/parties/{party['id']}/contacts", headers=org.employee())
    assert [c["name"] for c in contacts.json()["items"]] == ["刘经理"]


async def test_the_general_manager_and_admins_change_any_party(org: OrgService) -> None:
    seller = await org.hire("销售员", department="SALES")
    party = await register(org, org.employee(seller["id"], "seller"))

    by_gm = await org.client.patch(
        f"{API}/parties/{party['id']}", json={"tier": "VIP"}, headers=org.gm()
    )
    by_admin = await org.client.patch(
        f"{API}/parties/{party['id']}", json={"kind": "partner"}, headers=org.admin()
    )

    assert by_gm.status_code == 200, by_gm.text
    assert by_admin.status_code == 200, by_admin.text
    assert (by_admin.json()["tier"], by_admin.json()["kind"]) == ("VIP", "partner")


async def test_only_the_gm_or_an_admin_hands_a_party_to_a_colleague(org: OrgService) -> None:
    seller = await org.hire("销售员", department="SALES")
    successor = await org.hire("接手人", department="SALES")
    party = await register(org, org.employee(seller["id"], "seller"))

    by_owner = await org.client.patch(
        f"{API}/parties/{party['id']}",
        json={"owner_employee_id": successor["id"]},
        headers=org.employee(seller["id"], "seller"),
    )
    handed = await org.client.patch(
        f"{API}/parties/{party['id']}",
        json={"owner_employee_id": successor["id"]},
        headers=org.gm(),
    )
    after = await org.client.patch(
        f"{API}/parties/{party['id']}", json={"tier": "A"}, headers=org.employee(seller["id"])
    )
    by_successor = await org.client.patch(
        f"{API}/parties/{party['id']}", json={"tier": "A"}, headers=org.employee(successor["id"])
    )

    assert_problem(by_owner, 403, "owner_assignment_forbidden")
    assert handed.status_code == 200, handed.text
    assert handed.json()["owner_employee_id"] == successor["id"]
    assert_problem(after, 403, "not_party_owner")
    assert by_successor.status_code == 200, by_successor.text


async def test_an_employee_cannot_register_a_party_owned_by_someone_else(
    org: OrgService,
) -> None:
    seller = await org.hire("销售员", department="SALES")
    colleague = await org.hire("同事", department="SALES")
    body = {"kind": "customer", "name": "别人的客户", "owner_employee_id": colleague["id"]}

    by_employee = await org.client.post(
        f"{API}/parties", json=body, headers=org.employee(seller["id"], "seller")
    )
    for_themself = await org.client.post(
        f"{API}/parties",
        json={**body, "name": "自己的客户", "owner_employee_id": seller["id"]},
        headers=org.employee(seller["id"], "seller"),
    )
    by_gm = await org.client.post(f"{API}/parties", json=body, headers=org.gm())

    assert_problem(by_employee, 403, "owner_assignment_forbidden")
    assert for_themself.status_code == 201, for_themself.text
    assert by_gm.status_code == 201, by_gm.text
    assert by_gm.json()["owner_employee_id"] == colleague["id"]


async def test_a_duplicate_credit_code_is_refused(org: OrgService) -> None:
    seller = await org.hire("销售员", department="SALES")
    headers = org.employee(seller["id"], "seller")
    await register(org, headers, credit_code=CREDIT_CODE)
    other = await register(org, headers, name="另一家公司")

    created = await org.client.post(
        f"{API}/parties",
        json={"kind": "supplier", "name": "同码公司", "credit_code": CREDIT_CODE.lower()},
        headers=headers,
    )
    patched = await org.client.patch(
        f"{API}/parties/{other['id']}", json={"credit_code": CREDIT_CODE}, headers=headers
    )

    assert_problem(created, 409, "duplicate_credit_code")
    assert_problem(patched, 409, "duplicate_credit_code")


async def test_an_invalid_credit_code_and_unknown_fields_are_refused(org: OrgService) -> None:
    seller = await org.hire("销售员", department="SALES")
    headers = org.employee(seller["id"], "seller")

    bad_code = await org.client.post(
        f"{API}/parties",
        json={"kind": "customer", "name": "坏码", "credit_code": "12345"},
        headers=headers,
    )
    unknown = await org.client.post(
        f"{API}/parties",
        json={"kind": "customer", "name": "多字段", "rating": 5},
        headers=headers,
    )
    bad_kind = await org.client.post(
        f"{API}/parties", json={"kind": "competitor", "name": "对手"}, headers=headers
    )

    assert_problem(bad_code, 422, "validation_error")
    assert_problem(unknown, 422, "validation_error")
    assert_problem(bad_kind, 422, "validation_error")


async def test_parties_are_listed_and_searched(org: OrgService) -> None:
    seller = await org.hire("销售员", department="SALES")
    buyer = await org.hire("采购员", department="FIN")
    await register(org, org.employee(seller["id"]), name="华南贸易", credit_code=CREDIT_CODE)
    await register(org, org.employee(buyer["id"]), kind="supplier", name="华北钢铁")

    async def names(**params: Any) -> list[str]:
        response = await org.client.get(f"{API}/parties", params=params, headers=org.employee())
        assert response.status_code == 200, response.text
        return [p["name"] for p in response.json()["items"]]

    assert sorted(await names()) == ["华北钢铁", "华南贸易"]
    assert await names(kind="supplier") == ["华北钢铁"]
    assert await names(owner_employee_id=seller["id"]) == ["华南贸易"]
    assert await names(q="钢铁") == ["华北钢铁"]
    assert await names(q=CREDIT_CODE.lower()) == ["华南贸易"]
