"""``/api/v1/auth/role-members``: how the approval engine finds "everyone with a role"."""

import uuid

from tests.gateway.conftest import FAKE_ORG, GatewayUnderTest
from tests.problems import assert_problem

ROLE_MEMBERS = "/api/v1/auth/role-members"


def known_employee() -> uuid.UUID:
    """An employee id the fake org knows (accounts may only name those)."""
    employee_id = uuid.uuid4()
    FAKE_ORG[f"employees/{employee_id}"] = {"id": str(employee_id), "name": "someone"}
    return employee_id


async def test_role_members_are_the_active_linked_accounts_holding_the_role(
    gateway: GatewayUnderTest,
) -> None:
    finance, other_finance, inactive, unlinked = (known_employee() for _ in range(4))
    await gateway.create_user("fei", roles=("finance", "employee"), employee_id=str(finance))
    await gateway.create_user("fiona", roles=("finance",), employee_id=str(other_finance))
    await gateway.create_user("gone", roles=("finance",), employee_id=str(inactive), active=False)
    await gateway.create_user("nolink", roles=("finance",))
    await gateway.create_user("erin", roles=("employee",), employee_id=str(unlinked))

    response = await gateway.client.get(
        ROLE_MEMBERS, params={"role": "finance"}, headers=gateway.admin()
    )

    assert response.status_code == 200, response.text
    assert sorted(response.json()["employee_ids"]) == sorted([str(finance), str(other_finance)])


async def test_a_service_client_may_list_role_members(gateway: GatewayUnderTest) -> None:
    member = known_employee()
    await gateway.create_user("logi", roles=("logistics",), employee_id=str(member))
    client = gateway.mint(
        (), principal_type="client", scopes=["workflow:read"], client_id="svc-workflow"
    )

    response = await gateway.client.get(
        ROLE_MEMBERS, params={"role": "logistics"}, headers={"Authorization": f"Bearer {client}"}
    )

    assert response.status_code == 200, response.text
    assert response.json()["employee_ids"] == [str(member)]


async def test_an_employee_may_not_list_role_members(gateway: GatewayUnderTest) -> None:
    employee = gateway.mint(("employee",))

    response = await gateway.client.get(
        ROLE_MEMBERS, params={"role": "admin"}, headers={"Authorization": f"Bearer {employee}"}
    )

    assert_problem(response, 403, "forbidden")


async def test_an_unknown_role_is_refused(gateway: GatewayUnderTest) -> None:
    response = await gateway.client.get(
        ROLE_MEMBERS, params={"role": "boss"}, headers=gateway.admin()
    )

    assert_problem(response, 422, "validation_error")
