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

    async def employee_name(self, employee_id: uuid.UUID) -> str | None:
        """The employee's name; None when org does not know them."""
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
            employee = await self.client.get_record(
                f"/api/v1/org/employees/{employee_id}", employee_id
            )
            if employee is None:
                return None
            department = await self.client.get_record(
                f"/api/v1/org/departments/{employee['department_id']}", employee["department_id"]
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
        employee = await self.client.get_record(f"/api/v1/org/employees/{employee_id}", employee_id)
        return employee is not None and employee.get("status") != "left"

    async def employee_name(self, employee_id: uuid.UUID) -> str | None:
        employee = await self.client.get_record(f"/api/v1/org/employees/{employee_id}", employee_id)
        return str(employee["name"]) if employee else None


class NotLookedUp(LookupError):
    """The engine asked a snapshot for someone it was not given: the request changed meanwhile."""


class Snapshot:
    """The answers the engine needs under an instance's lock, looked up before it is taken.

    While open, a question goes to the live directory (org, the gateway) and its answer is kept;
    once ``frozen`` (the lock is about to be taken), only kept answers are given and any other
    question raises ``NotLookedUp`` — so a slow or unavailable org can delay a decision but
    never while it holds a lock.
    """

    def __init__(self, live: Directory) -> None:
        self.live = live
        self.frozen = False
        self._managers: dict[uuid.UUID, tuple[int, list[uuid.UUID]]] = {}
        self._heads: dict[tuple[str | None, uuid.UUID], uuid.UUID | None] = {}
        self._roles: dict[str, list[uuid.UUID]] = {}
        self._current: dict[uuid.UUID, bool] = {}
        self._names: dict[uuid.UUID, str | None] = {}

    def freeze(self) -> "Snapshot":
        """From now on answer only what was looked up."""
        self.frozen = True
        return self

    def _miss(self, question: str) -> NotLookedUp:
        return NotLookedUp(f"{question} was not looked up before the lock")

    async def managers(self, employee_id: uuid.UUID, levels: int) -> list[uuid.UUID]:
        kept = self._managers.get(employee_id)
        if kept is not None and (kept[0] >= levels or len(kept[1]) < kept[0]):
            return kept[1][:levels]
        if self.frozen:
            raise self._miss(f"the managers of {employee_id}")
        chain = await self.live.managers(employee_id, levels)
        self._managers[employee_id] = (levels, chain)
        return chain[:levels]

    async def department_head(
        self, department_code: str | None, employee_id: uuid.UUID
    ) -> uuid.UUID | None:
        key = (department_code, employee_id)
        if key in self._heads:
            return self._heads[key]
        if self.frozen:
            raise self._miss(f"the head of {department_code or 'the department of'} {employee_id}")
        head = await self.live.department_head(department_code, employee_id)
        self._heads[key] = head
        return head

    async def role_members(self, role: str) -> list[uuid.UUID]:
        if role in self._roles:
            return list(self._roles[role])
        if self.frozen:
            raise self._miss(f"the members of role {role}")
        members = await self.live.role_members(role)
        self._roles[role] = list(members)
        return members

    async def is_current_employee(self, employee_id: uuid.UUID) -> bool:
        if employee_id in self._current:
            return self._current[employee_id]
        if self.frozen:
            raise self._miss(f"whether {employee_id} is a current employee")
        current = await self.live.is_current_employee(employee_id)
        self._current[employee_id] = current
        return current

    async def employee_name(self, employee_id: uuid.UUID) -> str | None:
        if employee_id in self._names:
            return self._names[employee_id]
        if self.frozen:
            raise self._miss(f"the name of {employee_id}")
        name = await self.live.employee_name(employee_id)
        self._names[employee_id] = name
        return name
