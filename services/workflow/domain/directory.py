"""Who is who: the approval engine asks org (and the gateway, for roles) through the gateway."""

import uuid
from typing import Any, Protocol

from shared.kit.service_client import ServiceClient


class Directory(Protocol):
    """What the engine needs to know about people to resolve approvers."""

    async def managers(self, employee_id: uuid.UUID, levels: int) -> list[uuid.UUID]:
        """The chain of managers above the employee, nearest first."""
        ...

    async def department_head(
        self, department_code: str | None, employee_id: uuid.UUID
    ) -> uuid.UUID | None:
        """The head of the department with that code, or of the employee's own department."""
        ...

    async def role_members(self, role: str) -> list[uuid.UUID]:
        """Employees whose account holds the role."""
        ...

    async def is_current_employee(self, employee_id: uuid.UUID) -> bool:
        """True when the employee exists and has not left."""
        ...


class OrgDirectory:
    """The directory as org and the gateway serve it."""

    def __init__(self, client: ServiceClient) -> None:
        self.client = client

    async def managers(self, employee_id: uuid.UUID, levels: int) -> list[uuid.UUID]:
        body = await self.client.get_json(
            f"/api/v1/org/employees/{employee_id}/managers", params={"levels": levels}
        )
        if body is None:
            return []
        return [uuid.UUID(link["employee"]["id"]) for link in body["managers"]]

    async def department_head(
        self, department_code: str | None, employee_id: uuid.UUID
    ) -> uuid.UUID | None:
        if department_code is None:
            employee = await self.client.get_json(f"/api/v1/org/employees/{employee_id}")
            if employee is None:
                return None
            department = await self.client.get_json(
                f"/api/v1/org/departments/{employee['department_id']}"
            )
        else:
            department = await self._department_by_code(department_code)
        head = department.get("head_employee_id") if department else None
        return uuid.UUID(head) if head else None

    async def _department_by_code(self, code: str) -> dict[str, Any] | None:
        """The department with that code (org filters its list by code)."""
        page = await self.client.get_json(
            "/api/v1/org/departments", params={"code": code, "limit": 1}
        )
        if not page or not page["items"]:
            return None
        found: dict[str, Any] = page["items"][0]
        return found

    async def role_members(self, role: str) -> list[uuid.UUID]:
        body = await self.client.get_json("/api/v1/auth/role-members", params={"role": role})
        return [uuid.UUID(value) for value in body["employee_ids"]] if body else []

    async def is_current_employee(self, employee_id: uuid.UUID) -> bool:
        employee = await self.client.get_json(f"/api/v1/org/employees/{employee_id}")
        return employee is not None and employee.get("status") != "left"
