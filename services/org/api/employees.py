"""``/api/v1/org/employees``: the directory, HR's changes, leaving, manager chains, imports."""

import uuid
from typing import Annotated, Any

from fastapi import File, Query, Request, UploadFile
from fastapi.responses import JSONResponse, Response
from sqlalchemy import RowMapping, Select
from sqlalchemy.ext.asyncio import AsyncSession

from services.org.api.deps import Reader
from services.org.db.models import Employee
from services.org.domain import access, imports
from services.org.domain import employees as employee_rules
from services.org.schemas import (
    ChainLink,
    EmployeeBrief,
    EmployeeCreate,
    EmployeeHistory,
    EmployeeLeave,
    EmployeeRead,
    EmployeeStatus,
    EmployeeUpdate,
    EmploymentType,
    ImportResult,
    ManagerChain,
)
from shared.contracts.page import Page
from shared.contracts.principal import Principal
from shared.kit import audit
from shared.kit.concurrency import check_if_match, etag
from shared.kit.errors import Forbidden, NotFound
from shared.kit.pagination import PageParams, page_response, paginate, sorted_by
from shared.kit.routing import SessionDep, runtime_of, service_router

router = service_router(prefix="/api/v1/org", tags=["org: employees"])
PERSONAL = {"id_number", "birth_date"}
SORTABLE = {
    # Names sort by their pinyin, so 安 comes before 张 and Latin names fall in among them.
    "name": Employee.name_pinyin,
    "employee_number": Employee.employee_number,
    "hire_date": Employee.hire_date,
    "created_at": Employee.created_at,
}
EmployeePageParams = Annotated[PageParams, sorted_by(*SORTABLE)]


def employee_json(employee: Employee, principal: Principal) -> dict[str, Any]:
    """An employee as this caller may see it: personal data only for HR, admin and the employee."""
    hidden = set() if access.may_see_personal_data(principal, employee.id) else PERSONAL
    return EmployeeRead.model_validate(employee).model_dump(mode="json", exclude=hidden)


def employee_bytes(row: RowMapping, principal: Principal) -> bytes:
    """An employee's row as JSON, as this caller may see it (serialized straight to bytes)."""
    hidden = set() if access.may_see_personal_data(principal, row["id"]) else PERSONAL
    # A plain dict: pydantic reads a dict's fields much faster than a Mapping's.
    employee = EmployeeRead.model_validate(dict(row))
    return EmployeeRead.__pydantic_serializer__.to_json(employee, exclude=hidden)


def _read_answer(row: RowMapping, principal: Principal) -> Response:
    """The employee of a plain read."""
    return Response(
        employee_bytes(row, principal),
        media_type="application/json",
        headers={"ETag": etag(row["version"])},
    )


def _one(
    employee: Employee, principal: Principal, status: int = 200, **headers: str
) -> JSONResponse:
    return JSONResponse(
        employee_json(employee, principal),
        status_code=status,
        headers={"ETag": etag(employee.version), **headers},
    )


async def employee_page(
    session: AsyncSession, query: Select[Any], params: PageParams, principal: Principal
) -> Response:
    """One page of employees as the caller may see them.

    ``query`` selects rows of the employees table (``employee_rules.EMPLOYEE_ROWS``), not ORM
    objects: a page of fifty is read and answered without building fifty objects.
    """
    page = await paginate(
        session,
        query,
        params,
        sortable=SORTABLE,
        id_column=Employee.id,
        default_sort="name",
        to_item=lambda row: employee_bytes(row._mapping, principal),
        scalars=False,
    )
    return page_response(page)


@router.post(
    "/employees",
    status_code=201,
    response_model=EmployeeRead,
    summary="Create an employee",
    responses={201: {"model": EmployeeRead}},
)
async def create_employee(
    payload: EmployeeCreate, session: SessionDep, principal: Reader
) -> JSONResponse:
    """HR adds an employee; 409 for a duplicate number or email."""
    access.require_hr(principal)
    employee = await employee_rules.create(session, payload)
    return _one(employee, principal, 201, Location=f"/api/v1/org/employees/{employee.id}")


@router.get("/employees", response_model=Page[EmployeeRead], summary="List or search employees")
async def list_employees(
    session: SessionDep,
    principal: Reader,
    params: EmployeePageParams,
    department_id: uuid.UUID | None = None,
    include_subtree: Annotated[
        bool, Query(description="With department_id: include sub-departments.")
    ] = False,
    status: EmployeeStatus | None = None,
    employment_type: EmploymentType | None = None,
    manager_id: uuid.UUID | None = None,
    q: Annotated[
        str | None,
        Query(
            max_length=100,
            description="Name (also its pinyin or initials: 张三 by `zhangsan` or `zs`; "
            "full-width and half-width alike), employee number or email.",
        ),
    ] = None,
) -> Response:
    """The directory; sortable by name, employee_number, hire_date, created_at."""
    filters = employee_rules.EmployeeFilters(
        department_id, include_subtree, status, employment_type, manager_id, q
    )
    return await employee_page(
        session, await employee_rules.list_query(session, filters), params, principal
    )


@router.get("/employees/me", response_model=EmployeeRead, summary="Read my own employee record")
async def read_my_employee(session: SessionDep, principal: Reader) -> Response:
    """The caller's own record, personal fields included; 404 when the account is linked to
    no employee (a system client, or an admin account without one)."""
    if principal.employee_id is None:
        raise NotFound("this account is linked to no employee", code="no_employee")
    return _read_answer(await employee_rules.read(session, principal.employee_id), principal)


@router.get(
    "/employees/{employee_id:uuid}", response_model=EmployeeRead, summary="Read an employee"
)
async def read_employee(employee_id: uuid.UUID, session: SessionDep, principal: Reader) -> Response:
    """One employee; ID number and birth date only for HR, admins, auditors and the employee."""
    return _read_answer(await employee_rules.read(session, employee_id), principal)


@router.patch(
    "/employees/{employee_id:uuid}", response_model=EmployeeRead, summary="Change an employee"
)
async def update_employee(
    employee_id: uuid.UUID,
    payload: EmployeeUpdate,
    request: Request,
    session: SessionDep,
    principal: Reader,
) -> JSONResponse:
    """HR changes an employee (honours If-Match); a manager cycle is refused with 409."""
    access.require_hr(principal)
    employee = await employee_rules.get(session, employee_id)
    check_if_match(request, employee.version)
    employee = await employee_rules.update(session, employee, payload)
    return _one(employee, principal)


@router.post(
    "/employees/{employee_id}/leave",
    response_model=EmployeeRead,
    summary="Record that an employee left",
)
async def leave_employee(
    employee_id: uuid.UUID,
    payload: EmployeeLeave,
    request: Request,
    session: SessionDep,
    principal: Reader,
) -> JSONResponse:
    """Sets status ``left`` and the leave date; the record and its history are kept."""
    access.require_hr(principal)
    employee = await employee_rules.get(session, employee_id)
    check_if_match(request, employee.version)
    return _one(await employee_rules.leave(session, employee, payload), principal)


@router.get(
    "/employees/{employee_id}/managers", response_model=ManagerChain, summary="Chain of managers"
)
async def read_managers(
    employee_id: uuid.UUID,
    session: SessionDep,
    _reader: Reader,
    levels: Annotated[int, Query(ge=1, le=employee_rules.MAX_CHAIN)] = 1,
) -> ManagerChain:
    """Up to ``levels`` people above the employee: reporting line, else department heads up the tree."""
    employee = await employee_rules.get(session, employee_id)
    chain = await employee_rules.managers_of(session, employee, levels)
    return ManagerChain(
        employee_id=employee.id,
        managers=[
            ChainLink(
                level=level,
                employee=EmployeeBrief.model_validate(link.employee),
                source=link.source,
                department_id=link.department_id,
            )
            for level, link in enumerate(chain, start=1)
        ],
    )


@router.get(
    "/employees/{employee_id}/history",
    response_model=EmployeeHistory,
    summary="Change history of an employee",
)
async def read_history(
    employee_id: uuid.UUID, request: Request, session: SessionDep, principal: Reader
) -> dict[str, list[dict[str, Any]]]:
    """Every recorded change, oldest first (HR, admins, auditors and the employee)."""
    employee = await employee_rules.get(session, employee_id)
    if not access.may_see_personal_data(principal, employee.id):
        raise Forbidden(
            "only HR, auditors and the employee read this history", code="history_hidden"
        )
    entries = await audit.history(session, runtime_of(request).tables, "employees", employee.id)
    items = []
    for entry in entries:
        changes = {k: v for k, v in entry["changes"].items() if k not in PERSONAL}
        items.append(audit.jsonable({**entry, "changes": changes}))
    return {"items": items}


@router.post(
    "/employee-imports",
    status_code=201,
    response_model=ImportResult,
    summary="Import employees from CSV",
    responses={
        422: {"description": "Some rows are invalid; nothing was created. `row_errors` lists them."}
    },
    openapi_extra={
        "requestBody": {
            "content": {
                "multipart/form-data": {
                    "example": {
                        "file": "employee_number,name,email,department_code,hire_date\n"
                        "E0042,陈小红,chen.xiaohong@example.com,RD,2026-03-02\n"
                    }
                }
            }
        }
    },
)
async def import_employees(
    session: SessionDep,
    principal: Reader,
    file: Annotated[UploadFile, File(description="UTF-8 CSV (BOM allowed) with a header row.")],
) -> ImportResult:
    """All rows valid → all created in one transaction; any invalid → nothing, and a per-row report.

    Columns: employee_number, name, email, department_code, hire_date (required); phone,
    position_title, manager_employee_number (in the file or existing), employment_type,
    is_management, status, work_start_date, id_number, birth_date.
    """
    access.require_hr(principal)
    ids = await imports.import_employees(session, await file.read())
    return ImportResult(created=len(ids), employee_ids=ids)
