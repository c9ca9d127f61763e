"""What the gateway asks org about employees: whether one exists, and a person's profile.

Org is reached at its service URL (``OFFICINA_ORG_URL``, else the port after the gateway's),
with the caller's own bearer token: the gateway claims nothing the caller could not read.
"""

import asyncio
import uuid
from typing import Any

import httpx

from gateway.auth.schemas import EmployeeProfile, NamedRef


class OrgUnavailable(Exception):
    """Org did not answer, or answered with an error of its own."""


class OrgDirectory:
    """A small client of org's employee, department and position reads."""

    def __init__(self, base_url: str, timeout: float) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self._client: httpx.AsyncClient | None = None

    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(base_url=self.base_url, timeout=self.timeout)
        return self._client

    async def close(self) -> None:
        """Close the connections (at shutdown)."""
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def _get(self, path: str, authorization: str) -> dict[str, Any] | None:
        """The JSON object at ``path``; None when org says 404; OrgUnavailable otherwise."""
        try:
            response = await self._http().get(
                f"/api/v1/org/{path}", headers={"Authorization": authorization}
            )
        except httpx.HTTPError as exc:
            raise OrgUnavailable(f"org is unreachable ({type(exc).__name__})") from exc
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise OrgUnavailable(f"org answered {response.status_code}")
        try:
            body = response.json()
        except ValueError as exc:
            raise OrgUnavailable("org answered something that is not JSON") from exc
        if not isinstance(body, dict):
            raise OrgUnavailable("org answered something that is not a JSON object")
        return body

    async def employee(self, employee_id: uuid.UUID, authorization: str) -> dict[str, Any] | None:
        """The employee as org knows them, or None when org does not know them."""
        return await self._get(f"employees/{employee_id}", authorization)

    async def profile(
        self, employee_id: uuid.UUID, authorization: str
    ) -> tuple[EmployeeProfile | None, str]:
        """The employee's profile and how complete it is: ``complete``, ``partial`` (some
        parts missing), ``not_found`` (org does not know them) or ``unavailable``."""
        try:
            employee = await self.employee(employee_id, authorization)
        except OrgUnavailable:
            return None, "unavailable"
        if employee is None:
            return None, "not_found"

        async def part(path: str | None) -> dict[str, Any] | OrgUnavailable | None:
            if path is None:
                return None
            try:
                return await self._get(path, authorization)
            except OrgUnavailable as exc:
                return exc

        department_id = employee.get("department_id")
        position_id = employee.get("position_id")
        department, position, chain = await asyncio.gather(
            part(f"departments/{department_id}" if department_id else None),
            part(f"positions/{position_id}" if position_id else None),
            part(f"employees/{employee_id}/managers?levels=1"),
        )
        complete = not any(isinstance(p, OrgUnavailable) for p in (department, position, chain))
        manager = None
        if isinstance(chain, dict) and chain.get("managers"):
            manager = _ref(chain["managers"][0].get("employee"))
        profile = EmployeeProfile(
            employee_id=employee_id,
            name=str(employee.get("name", "")),
            employee_number=employee.get("employee_number"),
            email=employee.get("email"),
            status=employee.get("status"),
            department=_ref(department) or _ref_id(department_id),
            position=_ref(position) or _ref_id(position_id),
            manager=manager,
        )
        return profile, "complete" if complete else "partial"


def _ref(value: object) -> NamedRef | None:
    if not isinstance(value, dict) or "id" not in value:
        return None
    name = value.get("name") or value.get("title")
    return NamedRef(id=value["id"], name=str(name) if name is not None else None)


def _ref_id(value: object) -> NamedRef | None:
    return NamedRef(id=str(value), name=None) if value else None
