"""Bulk import of employees from CSV: every row valid → all created at once; otherwise nothing."""

import csv
import io
import uuid
from datetime import date
from typing import Any

from pydantic import EmailStr, TypeAdapter, ValidationError
from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.org.db.models import KIT, Department, Employee, Position
from services.org.domain import names
from services.org.domain.employees import event_data
from services.org.schemas import ImportRowError
from shared.contracts.events import validate_event_data
from shared.contracts.ids import new_id
from shared.kit.context import current_principal, current_request_id
from shared.kit.db import utcnow
from shared.kit.errors import Unprocessable
from shared.kit.outbox import PENDING_EVENTS

MAX_ROWS = 50_000
REQUIRED = ("employee_number", "name", "email", "department_code", "hire_date")
OPTIONAL = (
    "phone",
    "position_title",
    "manager_employee_number",
    "employment_type",
    "is_management",
    "status",
    "work_start_date",
    "id_number",
    "birth_date",
)
# The same bounds as the API's EmployeeCreate (and the columns): longer values are row errors.
MAX_LENGTHS = {"employee_number": 32, "name": 100, "email": 254, "phone": 40, "id_number": 32}
EMPLOYMENT_TYPES = {"full_time", "part_time", "intern"}
STATUSES = {"onboarding", "active", "on_leave"}
TRUE = {"true", "yes", "1", "y", "是"}
FALSE = {"false", "no", "0", "n", "否", ""}
_email = TypeAdapter(EmailStr)


class ImportRefused(Unprocessable):
    """The file has errors; nothing was created."""


def _date(value: str, field: str, errors: list[ImportRowError], line: int) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors.append(
            ImportRowError(row=line, field=field, message=f"{value!r} is not a date (YYYY-MM-DD)")
        )
        return None


def decode(content: bytes) -> str:
    """UTF-8 text, with or without a byte-order mark."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Unprocessable("the file is not UTF-8 text", code="invalid_encoding") from exc


def parse(text: str) -> tuple[list[tuple[int, dict[str, str]]], list[str]]:
    """Rows with their line numbers, and the header."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [name.strip() for name in (reader.fieldnames or [])]
    missing = [column for column in REQUIRED if column not in header]
    if missing:
        raise ImportRefused(
            f"the header lacks the columns: {', '.join(missing)}", code="invalid_import_header"
        )
    unknown = [column for column in header if column not in REQUIRED + OPTIONAL]
    if unknown:
        raise ImportRefused(f"unknown columns: {', '.join(unknown)}", code="invalid_import_header")
    reader.fieldnames = header
    rows = []
    for row in reader:
        rows.append(
            (reader.line_num, {k: (v or "").strip() for k, v in row.items() if k is not None})
        )
        if len(rows) > MAX_ROWS:
            raise ImportRefused(f"at most {MAX_ROWS} rows per import", code="import_too_large")
    if not rows:
        raise ImportRefused("the file has no rows", code="empty_import")
    return rows, header


async def import_employees(session: AsyncSession, content: bytes) -> list[uuid.UUID]:
    """Validate every row, then insert all of them in the caller's transaction."""
    rows, _header = parse(decode(content))
    departments = {d.code: d for d in (await session.scalars(select(Department))).all()}
    positions = {
        (p.department_id, p.title): p.id for p in (await session.scalars(select(Position))).all()
    }
    existing_numbers = dict(
        (await session.execute(select(Employee.employee_number, Employee.id))).tuples().all()
    )
    existing_emails = set((await session.scalars(select(Employee.email))).all())
    left = set(
        (
            await session.scalars(select(Employee.employee_number).where(Employee.status == "left"))
        ).all()
    )

    errors: list[ImportRowError] = []
    records: list[dict[str, Any]] = []
    numbers_in_file: dict[str, int] = {}
    emails_in_file: dict[str, int] = {}
    manager_numbers: list[tuple[int, str, str]] = []

    for line, row in rows:
        before = len(errors)

        def fail(field: str | None, message: str, line: int = line) -> None:
            errors.append(ImportRowError(row=line, field=field, message=message))

        for column in REQUIRED:
            if not row.get(column):
                fail(column, "is required")
        number, email = row.get("employee_number", ""), row.get("email", "").lower()
        if number:
            if number in existing_numbers:
                fail("employee_number", f"{number!r} already exists")
            elif number in numbers_in_file:
                fail("employee_number", f"{number!r} is also on line {numbers_in_file[number]}")
            numbers_in_file.setdefault(number, line)
        if email:
            try:
                _email.validate_python(email)
            except ValidationError:
                fail("email", f"{email!r} is not an email address")
            if email in existing_emails:
                fail("email", f"{email!r} already exists")
            elif email in emails_in_file:
                fail("email", f"{email!r} is also on line {emails_in_file[email]}")
            emails_in_file.setdefault(email, line)
        for column, longest in MAX_LENGTHS.items():
            if len(row.get(column, "")) > longest:
                fail(column, f"is longer than {longest} characters")
        department = departments.get(row.get("department_code", ""))
        if row.get("department_code") and department is None:
            fail("department_code", f"no department has the code {row['department_code']!r}")
        elif department is not None and department.status != "active":
            fail("department_code", "the department is archived")
        position_id = None
        if row.get("position_title") and department is not None:
            position_id = positions.get((department.id, row["position_title"]))
            if position_id is None:
                fail(
                    "position_title", f"{department.code} has no position {row['position_title']!r}"
                )
        employment_type = row.get("employment_type") or "full_time"
        if employment_type not in EMPLOYMENT_TYPES:
            fail("employment_type", f"must be one of {', '.join(sorted(EMPLOYMENT_TYPES))}")
        status = row.get("status") or "active"
        if status not in STATUSES:
            fail("status", f"must be one of {', '.join(sorted(STATUSES))}")
        management = row.get("is_management", "").lower()
        if management not in TRUE | FALSE:
            fail("is_management", "must be true or false")
        hire = _date(row["hire_date"], "hire_date", errors, line) if row.get("hire_date") else None
        work_start = (
            _date(row["work_start_date"], "work_start_date", errors, line)
            if row.get("work_start_date")
            else None
        )
        birth = (
            _date(row["birth_date"], "birth_date", errors, line) if row.get("birth_date") else None
        )
        if row.get("manager_employee_number"):
            manager_numbers.append((line, number, row["manager_employee_number"]))
        if len(errors) == before and department is not None and hire is not None:
            records.append(
                {
                    "id": new_id(),
                    "employee_number": number,
                    "name": row["name"],
                    "email": email,
                    "phone": row.get("phone") or None,
                    "department_id": department.id,
                    "position_id": position_id,
                    "manager_id": None,
                    "employment_type": employment_type,
                    "is_management": management in TRUE,
                    "status": status,
                    "hire_date": hire,
                    "work_start_date": work_start,
                    "id_number": row.get("id_number") or None,
                    "birth_date": birth,
                }
            )

    ids_by_number = {record["employee_number"]: record["id"] for record in records}
    managers: dict[str, uuid.UUID] = {}
    for line, number, manager_number in manager_numbers:
        manager_id = ids_by_number.get(manager_number) or existing_numbers.get(manager_number)
        if manager_number == number:
            errors.append(
                ImportRowError(
                    row=line,
                    field="manager_employee_number",
                    message="an employee cannot manage themself",
                )
            )
        elif manager_id is None:
            errors.append(
                ImportRowError(
                    row=line,
                    field="manager_employee_number",
                    message=f"no employee has the number {manager_number!r}",
                )
            )
        elif manager_number in left:
            errors.append(
                ImportRowError(
                    row=line, field="manager_employee_number", message="the manager has left"
                )
            )
        else:
            managers[number] = manager_id
    # New employees can only point at each other or at existing ones, and existing ones never
    # point at new ones, so a cycle can only lie inside the file.
    errors.extend(
        _cycles(managers, ids_by_number, {line: number for line, number, _ in manager_numbers})
    )
    if errors:
        errors.sort(key=lambda error: error.row)
        raise ImportRefused(
            f"{len({e.row for e in errors})} row(s) have errors; nothing was imported",
            code="invalid_import",
            row_errors=[error.model_dump() for error in errors[:1000]],
        )
    for record in records:
        record["manager_id"] = managers.get(record["employee_number"])
    await _insert(session, records)
    return [record["id"] for record in records]


def _cycles(
    managers: dict[str, uuid.UUID], ids_by_number: dict[str, uuid.UUID], lines: dict[int, str]
) -> list[ImportRowError]:
    number_by_id = {employee_id: number for number, employee_id in ids_by_number.items()}
    line_of = {number: line for line, number in lines.items()}
    errors: list[ImportRowError] = []
    cleared: set[str] = set()
    for start in managers:
        path: list[str] = []
        current = start
        while current in managers and current not in cleared:
            if current in path:
                errors.append(
                    ImportRowError(
                        row=line_of.get(current, 0),
                        field="manager_employee_number",
                        message="the reporting lines in the file form a cycle: "
                        + " → ".join([*path[path.index(current) :], current]),
                    )
                )
                break
            path.append(current)
            current = number_by_id.get(managers[current], "")
        cleared.update(path)
    return errors


def _managers_first(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The records reordered so that every manager in the file comes before their reports."""
    by_id = {record["id"]: record for record in records}
    ordered: list[dict[str, Any]] = []
    placed: set[uuid.UUID] = set()
    for record in records:
        pending: list[dict[str, Any]] = []
        walked: set[uuid.UUID] = set()
        current: dict[str, Any] | None = record
        while current is not None and current["id"] not in placed and current["id"] not in walked:
            pending.append(current)
            walked.add(current["id"])
            current = by_id.get(current["manager_id"])
        for item in reversed(pending):
            placed.add(item["id"])
            ordered.append(item)
    return ordered


async def _insert(session: AsyncSession, records: list[dict[str, Any]]) -> None:
    """Insert employees, their audit entries and their events in bulk (one statement each)."""
    now = utcnow()
    principal = current_principal()
    request_id = current_request_id()
    for record in records:
        full, initials = names.pinyin_keys(record["name"])
        record.update(
            created_at=now, updated_at=now, version=1, name_pinyin=full, name_initials=initials
        )
    # Foreign keys are checked as the rows go in (on SQLite and PostgreSQL alike): a manager
    # named by a later row of the file must be inserted before the people reporting to them.
    await session.execute(insert(Employee), _managers_first(records))
    actor = principal.sub if principal else "system"
    audit_rows, events = [], []
    for record in records:
        audit_rows.append(
            {
                "id": new_id(),
                "occurred_at": now,
                "actor": actor,
                "actor_employee_id": principal.employee_id if principal else None,
                "action": "create",
                "entity_type": "employees",
                "entity_id": str(record["id"]),
                "changes": {
                    "import": {"new": True},
                    "employee_number": {"new": record["employee_number"]},
                },
                "request_id": request_id,
            }
        )
        employee = Employee(
            **{k: v for k, v in record.items() if k not in ("created_at", "updated_at", "version")}
        )
        events.append(
            {
                "id": new_id(),
                "seq": None,
                "type": "org.employee.created",
                "subject_type": "employee",
                "subject_id": str(record["id"]),
                "data": validate_event_data("org.employee.created", event_data(employee)),
                "request_id": request_id,
                "occurred_at": now,
            }
        )
    await session.execute(insert(KIT.audit_log), audit_rows)
    await session.execute(insert(KIT.outbox), events)
    session.info[PENDING_EVENTS] = True
