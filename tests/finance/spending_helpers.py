"""Helpers of the budget and spending tests: a small company in finance's copy of org (fed
with org-shaped events, exactly as the org-directory consumer applies them), workflow outcomes
applied as the outcome consumers apply them, and calls that set up budgets and claims.

The company::

    GMO (head: gm) ─┬─ FIN (head: fin_head; staff: accountant)
                    ├─ RND (head: rnd_head) ── RND-FE (head: fe_lead; staff: engineer)
                    └─ SALES (head: sales_head; staff: seller)
"""

import itertools
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from services.finance.domain.budget_outcomes import outcome_handler
from services.finance.domain.budgets import SAGAS as BUDGET_SAGAS
from services.finance.domain.directory import apply_org_event
from services.finance.domain.spending import SAGAS as SPENDING_SAGAS
from shared.contracts.events import EventEnvelope, EventSubject
from shared.kit.consumer import apply_event
from tests.finance.conftest import API, TODAY, FinanceService

YEAR = TODAY.year
SAGAS = (*BUDGET_SAGAS, *SPENDING_SAGAS)


@dataclass
class Company:
    """Ids of the company's departments (by code) and people (by role)."""

    departments: dict[str, uuid.UUID] = field(default_factory=dict)
    people: dict[str, uuid.UUID] = field(default_factory=dict)

    def __getattr__(self, name: str) -> uuid.UUID:
        try:
            return self.people[name]
        except KeyError as exc:
            raise AttributeError(name) from exc


@dataclass
class Books:
    """The finance service with a company in its directory, and shortcuts for the tests."""

    service: FinanceService
    company: Company
    _seq: "itertools.count[int]" = field(default_factory=lambda: itertools.count(1))
    _outcome_seq: "itertools.count[int]" = field(default_factory=lambda: itertools.count(1))

    # ---- who is calling ------------------------------------------------------------------

    def as_person(self, person: str, *roles: str) -> dict[str, str]:
        return self.service.as_user(
            "employee", *roles, employee_id=self.company.people[person], username=person
        )

    def dept(self, code: str) -> uuid.UUID:
        return self.company.departments[code]

    # ---- the directory, fed with org-shaped events -------------------------------------

    async def org_event(self, event_type: str, subject_type: str, data: dict[str, Any]) -> None:
        event = EventEnvelope(
            seq=next(self._seq),
            id=uuid.uuid4(),
            type=event_type,
            occurred_at=datetime.now(UTC),
            subject=EventSubject(type=subject_type, id=str(data["id"])),
            data=data,
        )
        await apply_event(self.service.app.state.runtime, "org-directory", event, apply_org_event)

    async def department(
        self, code: str, parent: str | None = None, head: str | None = None, *, update: bool = False
    ) -> uuid.UUID:
        department_id = self.company.departments.get(code) or uuid.uuid4()
        self.company.departments[code] = department_id
        now = datetime.now(UTC).isoformat()
        await self.org_event(
            "org.department.updated" if update else "org.department.created",
            "department",
            {
                "id": str(department_id),
                "code": code,
                "name": f"部门{code}",
                "parent_id": str(self.company.departments[parent]) if parent else None,
                "head_employee_id": str(self.company.people[head]) if head else None,
                "status": "active",
                "version": 1,
                "created_at": now,
                "updated_at": now,
            },
        )
        return department_id

    async def person(
        self, name: str, department: str, *, manager: str | None = None, status: str = "active"
    ) -> uuid.UUID:
        person_id = self.company.people.get(name) or uuid.uuid4()
        self.company.people[name] = person_id
        number = f"E{person_id.hex[:6]}"
        await self.org_event(
            "org.employee.created",
            "employee",
            {
                "id": str(person_id),
                "employee_number": number,
                "name": name,
                "email": f"{number.lower()}@example.cn",
                "department_id": str(self.company.departments[department]),
                "manager_id": str(self.company.people[manager]) if manager else None,
                "status": status,
                "hire_date": "2020-03-01",
            },
        )
        return person_id

    # ---- workflow ------------------------------------------------------------------------

    def instance_of(self, subject_id: object, subject_type: str) -> str:
        return self.service.workflow.instance_of(subject_id, subject_type)

    async def outcome(self, subject_id: object, subject_type: str, outcome: str) -> bool:
        """workflow decides the subject's approval and publishes it; finance applies it as its
        outcome consumers do. False when it was applied before."""
        instance = self.instance_of(subject_id, subject_type)
        if self.service.workflow.status[instance] == "pending":
            self.service.workflow.decide(instance, outcome)
        event = self.service.workflow.completed(instance, outcome)
        event = event.model_copy(update={"seq": next(self._outcome_seq)})
        runtime = self.service.app.state.runtime
        return await apply_event(runtime, "outcomes", event, outcome_handler(runtime, SAGAS))

    def started(self, subject_type: str) -> list[dict[str, Any]]:
        return [b for b in self.service.workflow.started() if b["subject"]["type"] == subject_type]

    # ---- calls ---------------------------------------------------------------------------

    async def get(self, path: str, headers: dict[str, str] | None = None, **params: Any) -> Any:
        response = await self.service.client.get(
            f"{API}{path}", params=params, headers=headers or self.service.staff()
        )
        assert response.status_code == 200, response.text
        return response.json()

    async def post(
        self, path: str, body: Any = None, headers: dict[str, str] | None = None, status: int = 200
    ) -> Any:
        response = await self.service.client.post(
            f"{API}{path}",
            json=body if body is not None else {},
            headers=headers or self.service.staff(),
        )
        assert response.status_code == status, response.text
        return response.json()

    async def draft_budget(
        self,
        code: str,
        lines: dict[str, str],
        *,
        year: int = YEAR,
        months: tuple[int, ...] = (1,),
        headers: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        """A draft of ``code``'s budget: each account's amount in each of ``months``."""
        return await self.post(
            "/budgets",
            {
                "year": year,
                "department_id": str(self.dept(code)),
                "lines": [
                    {"account_code": account, "month": month, "amount": amount}
                    for account, amount in lines.items()
                    for month in months
                ],
            },
            headers=headers,
            status=201,
        )

    async def approved_budget(
        self, code: str, lines: dict[str, str], *, year: int = YEAR, months: tuple[int, ...] = (1,)
    ) -> dict[str, Any]:
        """A budget drafted by finance, submitted and approved in workflow."""
        budget = await self.draft_budget(code, lines, year=year, months=months)
        await self.post(f"/budgets/{budget['id']}/submit")
        assert await self.outcome(budget["id"], "budget", "approved")
        approved: dict[str, Any] = await self.get(f"/budgets/{budget['id']}")
        assert approved["status"] == "approved"
        return approved

    async def claim(
        self,
        person: str,
        *lines: tuple[str, str],
        title: str = "报销",
        status: int = 201,
        **line_fields: Any,
    ) -> dict[str, Any]:
        """``person`` files a claim of (category, amount) lines dated today."""
        return await self.post(
            "/expense-claims",
            {
                "title": title,
                "lines": [
                    {
                        "category": category,
                        "amount": amount,
                        "expense_date": TODAY.isoformat(),
                        "description": f"{category} {amount}",
                        **line_fields,
                    }
                    for category, amount in lines
                ],
            },
            headers=self.as_person(person),
            status=status,
        )

    async def execution(self, **params: Any) -> dict[str, Any]:
        found: dict[str, Any] = await self.get("/budgets/execution", year=YEAR, **params)
        return found

    async def events(self, event_type: str) -> list[dict[str, Any]]:
        await self.service.app.state.runtime.publisher.publish_pending()
        page = await self.get(
            "/events", self.service.auditor(), after=0, limit=1000, type=event_type
        )
        items: list[dict[str, Any]] = page["items"]
        return items


def money(value: str | Decimal) -> str:
    return f"{Decimal(value):.2f}"


async def build_company(service: FinanceService) -> Books:
    books = Books(service, Company())
    await books.department("GMO")
    await books.person("gm", "GMO")
    await books.department("GMO", head="gm", update=True)
    await books.department("FIN", parent="GMO")
    await books.person("fin_head", "FIN", manager="gm")
    await books.person("accountant", "FIN", manager="fin_head")
    await books.department("FIN", parent="GMO", head="fin_head", update=True)
    await books.department("RND", parent="GMO")
    await books.person("rnd_head", "RND", manager="gm")
    await books.department("RND", parent="GMO", head="rnd_head", update=True)
    await books.department("RND-FE", parent="RND")
    await books.person("fe_lead", "RND-FE", manager="rnd_head")
    await books.person("engineer", "RND-FE", manager="fe_lead")
    await books.department("RND-FE", parent="RND", head="fe_lead", update=True)
    await books.department("SALES", parent="GMO")
    await books.person("sales_head", "SALES", manager="gm")
    await books.person("seller", "SALES", manager="sales_head")
    await books.department("SALES", parent="GMO", head="sales_head", update=True)
    return books


@pytest.fixture
async def books(finance: FinanceService) -> AsyncIterator[Books]:
    """The finance service with the company above in its directory."""
    yield await build_company(finance)
