"""Labour contracts: at most one in force per employee, renewals chained to what they follow,
the third fixed-term contract in a row refused unless HR overrides (Art. 14), and expiry alerts
60 and 30 days before the end, each delivered once to HR and the employee's department head."""

import logging
import uuid
from datetime import date, timedelta
from typing import Any, Final

from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.hr.db.models import Department, Employee
from services.hr.db.people import ContractAlert, LabourContract, Onboarding
from services.hr.domain import onboarding as onboarding_rules
from services.hr.domain import people_access as access
from services.hr.domain.people_access import Viewer
from services.hr.domain.people_rules import (
    alerts_due,
    fixed_term_sequence,
    longest_probation,
    probation_allowed,
)
from shared.contracts.hr_people_events import (
    LabourContractEvent,
    LabourContractExpiring,
    LabourContractRenewed,
    LabourContractSigned,
    LabourContractTerminated,
)
from shared.kit.db import utcnow
from shared.kit.errors import Conflict, ServiceUnavailable, Unprocessable, not_found
from shared.kit.outbox import record_event
from shared.kit.runtime import ServiceRuntime
from shared.kit.service_client import ServiceClient

log = logging.getLogger("officina.hr.contracts")

SUBJECT: Final = "labour_contract"
NOTIFICATIONS: Final = "/api/v1/workflow/notifications"
FOREVER: Final = date(9999, 12, 31)


async def _event(
    session: AsyncSession, model: type[LabourContractEvent], contract: LabourContract, **extra: Any
) -> None:
    await record_event(
        session,
        model.event_type,
        subject_type=SUBJECT,
        subject_id=contract.id,
        data=model(
            employee_id=contract.employee_id,
            kind=contract.kind,
            start_date=contract.start_date,
            end_date=contract.end_date,
            probation_end_date=contract.probation_end_date,
            status=contract.status,
            fixed_term_sequence=contract.fixed_term_sequence,
            **extra,
        ),
    )


def check_terms(kind: str, start: date, end: date | None, probation_end: date | None) -> None:
    """422 for terms the kind or the law does not allow."""
    if end is not None and end < start:
        raise Unprocessable("the contract ends before it starts", code="dates_out_of_order")
    if kind == "open_ended" and end is not None:
        raise Unprocessable("an open-ended contract has no end date", code="invalid_contract_terms")
    if kind in ("fixed_term", "internship") and end is None:
        raise Unprocessable(
            f"a {kind.replace('_', '-')} contract needs an end date", code="invalid_contract_terms"
        )
    if not probation_allowed(start, end, probation_end):
        months = longest_probation(start, end)
        raise Unprocessable(
            f"the probation may last at most {months} month(s) for this term (Art. 19) and "
            "must end within the contract",
            code="probation_too_long",
            longest_probation_months=months,
        )


async def _known_employee(session: AsyncSession, employee_id: uuid.UUID) -> None:
    employee = await session.get(Employee, employee_id)
    if employee is not None and employee.status != "left":
        return
    joining = await session.scalar(
        select(Onboarding.id).where(Onboarding.employee_id == employee_id)
    )
    if joining is None:
        raise Unprocessable(
            f"employee {employee_id} is unknown to hr or has left", code="unknown_employee"
        )


async def _overlapping(
    session: AsyncSession, employee_id: uuid.UUID, start: date, until: date | None
) -> uuid.UUID | None:
    """A contract of the employee in force on some day of [start, until]."""
    others = (
        await session.scalars(
            select(LabourContract).where(
                LabourContract.employee_id == employee_id,
                LabourContract.start_date <= (until or FOREVER),
            )
        )
    ).all()
    return next((c.id for c in others if start <= (c.in_force_until or FOREVER)), None)


async def _refuse_overlap(
    session: AsyncSession, employee_id: uuid.UUID, start: date, until: date | None
) -> None:
    overlapping = await _overlapping(session, employee_id, start, until)
    if overlapping is not None:
        raise Conflict(
            f"contract {overlapping} of this employee is in force during these dates",
            code="labour_contract_overlap",
            overlapping_contract_id=str(overlapping),
        )


async def _insert(session: AsyncSession, contract: LabourContract) -> None:
    """Add the contract; an overlap the database refuses (a concurrent contract the check above
    could not see yet) is the same 409 as the check's."""
    session.add(contract)
    try:
        await session.flush()
    except IntegrityError as exc:
        if "one_in_force" not in str(exc) and "labour_contract_overlap" not in str(exc):
            raise
        raise Conflict(
            "another contract of this employee, recorded at the same time, is in force "
            "during these dates",
            code="labour_contract_overlap",
        ) from exc


async def _probation_used(session: AsyncSession, employee_id: uuid.UUID) -> bool:
    """Art. 19: one employer sets a probation with one employee only once."""
    return (
        await session.scalar(
            select(LabourContract.id).where(
                LabourContract.employee_id == employee_id,
                LabourContract.probation_end_date.is_not(None),
            )
        )
    ) is not None


async def sign(session: AsyncSession, viewer: Viewer, fields: dict[str, Any]) -> LabourContract:
    """Record a contract (HR). Refused: another contract in force on any of its days (409
    ``labour_contract_overlap``), terms its kind or Art. 19 does not allow (422)."""
    viewer.require_manager("labour contracts")
    employee_id: uuid.UUID = fields["employee_id"]
    await _known_employee(session, employee_id)
    check_terms(
        fields["kind"],
        fields["start_date"],
        fields.get("end_date"),
        fields.get("probation_end_date"),
    )
    if fields.get("probation_end_date") and await _probation_used(session, employee_id):
        raise Unprocessable(
            "this employee already had a probation with the company (Art. 19)",
            code="probation_already_used",
        )
    await _refuse_overlap(session, employee_id, fields["start_date"], fields.get("end_date"))
    contract = LabourContract(
        **fields,
        status="active",
        in_force_until=fields.get("end_date"),
        fixed_term_sequence=fixed_term_sequence(fields["kind"], None, 0),
        created_by=viewer.principal.sub,
    )
    await _insert(session, contract)
    await _event(session, LabourContractSigned, contract)
    await onboarding_rules.contract_signed(session, employee_id)
    return contract


async def renew(
    session: AsyncSession, viewer: Viewer, previous: LabourContract, fields: dict[str, Any]
) -> LabourContract:
    """Record the contract that follows ``previous`` (HR), starting the day after it ends unless
    given. The third fixed-term contract in a row is 409 ``open_ended_contract_required``
    unless ``override_reason`` says why (Art. 14: the employee asked for a fixed term, …)."""
    viewer.require_manager("labour contracts")
    if previous.status != "active":
        raise Conflict(
            f"a {previous.status} contract cannot be renewed", code="invalid_contract_transition"
        )
    if previous.in_force_until is None:
        raise Conflict(
            "an open-ended contract in force is not renewed", code="invalid_contract_transition"
        )
    kind: str = fields["kind"]
    start: date = fields.get("start_date") or previous.in_force_until + timedelta(days=1)
    end: date | None = fields.get("end_date")
    check_terms(kind, start, end, fields.get("probation_end_date"))
    if fields.get("probation_end_date"):
        raise Unprocessable(
            "this employee already had a contract with the company: no new probation (Art. 19)",
            code="probation_already_used",
        )
    sequence = fixed_term_sequence(kind, previous.kind, previous.fixed_term_sequence)
    override = fields.get("override_reason")
    if sequence >= 3 and not override:
        raise Conflict(
            "after two fixed-term contracts in a row the next one is open-ended (Labour Contract "
            "Law Art. 14); give override_reason if the employee asked for a fixed term",
            code="open_ended_contract_required",
            fixed_term_sequence=previous.fixed_term_sequence,
        )
    await _refuse_overlap(session, previous.employee_id, start, end)
    contract = LabourContract(
        employee_id=previous.employee_id,
        kind=kind,
        start_date=start,
        end_date=end,
        probation_end_date=None,
        position=fields.get("position") or previous.position,
        salary=fields.get("salary") or previous.salary,
        currency=previous.currency,
        pay_basis=fields.get("pay_basis") or previous.pay_basis,
        weekly_hours=fields.get("weekly_hours") or previous.weekly_hours,
        status="active",
        in_force_until=end,
        previous_contract_id=previous.id,
        fixed_term_sequence=sequence,
        override_reason=override if sequence >= 3 else None,
        created_by=viewer.principal.sub,
    )
    previous.status = "renewed"
    await _insert(session, contract)
    await _event(
        session,
        LabourContractRenewed,
        contract,
        previous_contract_id=previous.id,
        open_ended_required_next=sequence >= 2,
        override_reason=contract.override_reason,
    )
    return contract


async def terminate(
    session: AsyncSession, viewer: Viewer, contract: LabourContract, on: date, reason: str
) -> LabourContract:
    """End a contract in force on ``on`` (HR); it stays in the history."""
    viewer.require_manager("labour contracts")
    if contract.status != "active":
        raise Conflict(
            f"a {contract.status} contract cannot be terminated", code="invalid_contract_transition"
        )
    if on < contract.start_date or on > (contract.in_force_until or FOREVER):
        raise Unprocessable(
            "the termination date must fall within the contract", code="dates_out_of_order"
        )
    contract.status = "terminated"
    contract.terminated_on = on
    contract.in_force_until = on
    contract.termination_reason = reason
    await session.flush()
    await _event(session, LabourContractTerminated, contract, terminated_on=on, reason=reason)
    return contract


async def get(session: AsyncSession, viewer: Viewer, contract_id: uuid.UUID) -> LabourContract:
    """A contract the caller may see, or 404."""
    found = await session.scalar(
        select(LabourContract).where(LabourContract.id == contract_id, access.contracts(viewer))
    )
    if found is None:
        raise not_found("labour contract", contract_id)
    return found


def contract_query(
    viewer: Viewer,
    today: date,
    *,
    employee_id: uuid.UUID | None,
    kind: str | None,
    status: str | None,
    expiring_within_days: int | None,
) -> Select[tuple[LabourContract]]:
    """The contracts the caller may see; ``expiring_within_days``: those still active whose
    last day in force falls between today and that many days on."""
    query = select(LabourContract).where(access.contracts(viewer))
    if employee_id:
        query = query.where(LabourContract.employee_id == employee_id)
    if kind:
        query = query.where(LabourContract.kind == kind)
    if status:
        query = query.where(LabourContract.status == status)
    if expiring_within_days is not None:
        query = query.where(
            LabourContract.status == "active",
            LabourContract.in_force_until >= today,
            LabourContract.in_force_until <= today + timedelta(days=expiring_within_days),
        )
    return query


async def history(session: AsyncSession, contract: LabourContract) -> list[LabourContract]:
    """The chain of renewals the contract belongs to, oldest first."""
    chain = [contract]
    current = contract
    while current.previous_contract_id is not None:
        before = await session.get(LabourContract, current.previous_contract_id)
        if before is None:
            break
        chain.insert(0, before)
        current = before
    following = contract
    while True:
        after = await session.scalar(
            select(LabourContract).where(LabourContract.previous_contract_id == following.id)
        )
        if after is None:
            break
        chain.append(after)
        following = after
    return chain


# ---- expiry alerts -------------------------------------------------------------------------


async def _recipients(session: AsyncSession, contract: LabourContract) -> tuple[str, list[str]]:
    """The employee's name and their department head (when that is someone else)."""
    employee = await session.get(Employee, contract.employee_id)
    if employee is not None:
        department = await session.get(Department, employee.department_id)
        head = department.head_employee_id if department else None
        heads = [str(head)] if head and head != contract.employee_id else []
        return employee.name, heads
    joining = await session.scalar(
        select(Onboarding).where(Onboarding.employee_id == contract.employee_id)
    )
    head = joining.manager_id if joining else None
    return (joining.name if joining else str(contract.employee_id)), (
        [str(head)] if head and head != contract.employee_id else []
    )


def _notice(
    contract: LabourContract, name: str, heads: list[str], days_before: int, left: int
) -> dict[str, Any]:
    end = contract.in_force_until
    return {
        "idempotency_key": f"hr-labour-contract-expiry:{contract.id}:{days_before}",
        "recipients": {"roles": ["hr"], "employee_ids": heads},
        "kind": "labour_contract_expiry",
        "title": {"zh": "劳动合同即将到期", "en": "A labour contract expires soon"},
        "body": {
            "zh": f"{name} 的劳动合同将于 {end} 到期（还有 {left} 天），请及时续签或办理终止。",
            "en": f"{name}'s labour contract ends on {end} ({left} days left): renew it or "
            "prepare its end.",
        },
        "link": {
            "service": "hr",
            "type": SUBJECT,
            "id": str(contract.id),
            "url": f"/api/v1/hr/labour-contracts/{contract.id}",
        },
    }


async def alert_sweep(runtime: ServiceRuntime, workflow: ServiceClient, today: date) -> int:
    """Deliver every expiry alert that is due (restart-safe: the inbox's idempotency key is per
    contract and threshold, and an alert is recorded once delivered); returns how many."""
    async with runtime.sessionmaker() as session:
        due = (
            await session.scalars(
                select(LabourContract.id).where(
                    LabourContract.status == "active",
                    LabourContract.in_force_until >= today,
                    LabourContract.in_force_until <= today + timedelta(days=60),
                )
            )
        ).all()
    delivered = 0
    for contract_id in due:
        try:
            if await _alert(runtime, workflow, contract_id, today):
                delivered += 1
        except ServiceUnavailable as exc:
            log.warning("contract %s: expiry alert not delivered (%s)", contract_id, exc.detail)
        except IntegrityError:
            continue  # another replica recorded it meanwhile
    return delivered


async def _alert(
    runtime: ServiceRuntime, workflow: ServiceClient, contract_id: uuid.UUID, today: date
) -> bool:
    async with runtime.sessionmaker() as session:
        contract = await session.get(LabourContract, contract_id)
        if contract is None or contract.in_force_until is None:
            return False
        sent = set(
            (
                await session.scalars(
                    select(ContractAlert.days_before).where(
                        ContractAlert.contract_id == contract_id
                    )
                )
            ).all()
        )
        send, skipped = alerts_due(contract.in_force_until, today, sent)
        if send is None:
            return False
        name, heads = await _recipients(session, contract)
        left = (contract.in_force_until - today).days
        notice = _notice(contract, name, heads, send, left)
    response = await workflow.request("POST", NOTIFICATIONS, json=notice)
    if response.status_code != 201:
        raise ServiceUnavailable(f"the inbox answered {response.status_code}")
    async with runtime.transaction() as session:
        contract = await session.get(LabourContract, contract_id)
        assert contract is not None
        now = utcnow()
        session.add(
            ContractAlert(
                contract_id=contract_id,
                days_before=send,
                outcome="delivered",
                recipients=["role:hr", *heads],
                created_at=now,
            )
        )
        for days in skipped:
            session.add(
                ContractAlert(
                    contract_id=contract_id,
                    days_before=days,
                    outcome="skipped",
                    recipients=[],
                    created_at=now,
                )
            )
        await session.flush()
        await _event(session, LabourContractExpiring, contract, days_before=send, days_left=left)
    return True
