"""The org service through the real platform: accounts at the gateway, people in org, who sees what."""

from typing import Any

import httpx

from tests.conftest import PATIENCE
from tests.platform_runner import ADMIN_PASSWORD, RunningPlatform

PASSWORD = "a-long-enough-secret-42"


def login(platform: RunningPlatform, username: str, password: str = PASSWORD) -> httpx.Client:
    """A client carrying the access token of ``username``, talking to the gateway."""
    token = platform.token(username, password)
    return httpx.Client(
        base_url=platform.url, headers={"Authorization": f"Bearer {token}"}, timeout=PATIENCE
    )


def create_account(admin: httpx.Client, username: str, **fields: Any) -> dict[str, Any]:
    response = admin.post(
        "/api/v1/auth/users", json={"username": username, "password": PASSWORD, **fields}
    )
    assert response.status_code == 201, response.text
    account: dict[str, Any] = response.json()
    return account


def test_hr_staffs_the_company_and_an_employee_reads_the_directory_but_not_others_personal_data(
    platform: RunningPlatform,
) -> None:
    with login(platform, "admin", ADMIN_PASSWORD) as admin:
        hr_account = create_account(admin, "hanna.hr", roles=["hr"])
        assert hr_account["roles"] == ["hr"]

        with login(platform, "hanna.hr") as hr:
            departments = hr.get("/api/v1/org/departments").json()["items"]
            by_code = {d["code"]: d for d in departments}
            assert by_code["GMO"]["name"] == "总经理办公室"
            assert by_code["RND"]["parent_id"] == by_code["GMO"]["id"]

            created = []
            for number, name, id_number in (
                ("E2E-001", "林晓", "310101199205061234"),
                ("E2E-002", "郭靖", "110101198807071111"),
            ):
                response = hr.post(
                    "/api/v1/org/employees",
                    json={
                        "employee_number": number,
                        "name": name,
                        "email": f"{number.lower()}@example.cn",
                        "department_id": by_code["RND"]["id"],
                        "hire_date": "2025-03-03",
                        "id_number": id_number,
                        "birth_date": "1990-01-01",
                    },
                )
                assert response.status_code == 201, response.text
                created.append(response.json())
            me, colleague = created
            assert me["id_number"] == "310101199205061234"  # HR sees personal data

        create_account(admin, "lin.xiao", roles=["employee"], employee_id=me["id"])

    with login(platform, "lin.xiao") as employee:
        whoami = employee.get("/api/v1/auth/me").json()
        assert (whoami["employee_id"], whoami["roles"]) == (me["id"], ["employee"])

        directory = employee.get("/api/v1/org/employees", params={"q": "E2E-002"})
        assert directory.status_code == 200, directory.text
        assert [e["name"] for e in directory.json()["items"]] == ["郭靖"]

        other = employee.get(f"/api/v1/org/employees/{colleague['id']}")
        assert other.status_code == 200, other.text
        assert other.json()["email"] == "e2e-002@example.cn"
        assert "id_number" not in other.json() and "birth_date" not in other.json()

        own = employee.get(f"/api/v1/org/employees/{me['id']}").json()
        assert (own["id_number"], own["birth_date"]) == ("310101199205061234", "1990-01-01")

        history = employee.get(f"/api/v1/org/employees/{colleague['id']}/history")
        assert history.status_code == 403

        refused = employee.post(
            "/api/v1/org/employees",
            json={
                "employee_number": "E2E-999",
                "name": "自己加的人",
                "email": "self@example.cn",
                "department_id": me["department_id"],
                "hire_date": "2025-03-03",
            },
        )
        assert refused.status_code == 403
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert refused.json()["code"] == "hr_only"

    anonymous = httpx.get(f"{platform.url}/api/v1/org/employees", timeout=PATIENCE)
    assert anonymous.status_code == 401
