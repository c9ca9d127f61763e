"""``/api/v1/org/departments`` and ``/api/v1/org/org-chart``."""

import uuid
from typing import Annotated

from fastapi import Query, Request, Response
from sqlalchemy import select

from services.org.api.deps import Reader
from services.org.api.employees import EmployeePageParams, employee_page
from services.org.db.models import Department, Employee
from services.org.domain import access, org_chart
from services.org.domain import departments as department_rules
from services.org.domain import employees as employee_rules
from services.org.domain.departments import CURRENT_STATUSES
from services.org.schemas import (
    DepartmentCreate,
    DepartmentRead,
    DepartmentStatus,
    DepartmentUpdate,
    EmployeeRead,
    OrgChartNode,
)
from shared.contracts.page import Page
from shared.kit.concurrency import check_if_match, set_etag
from shared.kit.pagination import PageParams, paginate, sorted_by
from shared.kit.routing import SessionDep, service_router

router = service_router(prefix="/api/v1/org", tags=["org: departments"])


@router.post(
    "/departments", status_code=201, response_model=DepartmentRead, summary="Create a department"
)
async def create_department(
    payload: DepartmentCreate, response: Response, session: SessionDep, principal: Reader
) -> Department:
    """A new department (admin, gm); 409 for a duplicate code or an archived parent."""
    access.require_company_admin(principal)
    department = await department_rules.create(session, payload)
    set_etag(response, department.version)
    response.headers["Location"] = f"/api/v1/org/departments/{department.id}"
    return department


@router.get("/departments", response_model=Page[DepartmentRead], summary="List departments")
async def list_departments(
    session: SessionDep,
    _reader: Reader,
    params: Annotated[PageParams, sorted_by("code", "name", "created_at")],
    status: DepartmentStatus | None = None,
    parent_id: uuid.UUID | None = None,
    code: Annotated[
        str | None, Query(max_length=32, description="Only the department with this code.")
    ] = None,
    q: Annotated[
        str | None,
        Query(
            max_length=100,
            description="Name search, also by pinyin or initials (研发部 by `yanfa` or `yfb`), "
            "full-width and half-width alike.",
        ),
    ] = None,
) -> Page[DepartmentRead]:
    """Departments, by code unless sorted otherwise (``name`` sorts by pinyin)."""
    query = select(Department)
    if code is not None:
        query = query.where(Department.code == code)
    if q and q.strip():
        query = query.where(employee_rules.name_matches(Department, q))
    if status:
        query = query.where(Department.status == status)
    if parent_id:
        query = query.where(Department.parent_id == parent_id)
    return await paginate(
        session,
        query,
        params,
        sortable={
            "code": Department.code,
            "name": Department.name_pinyin,
            "created_at": Department.created_at,
        },
        id_column=Department.id,
        default_sort="code",
        to_item=DepartmentRead.model_validate,
    )


@router.get(
    "/departments/{department_id}", response_model=DepartmentRead, summary="Read a department"
)
async def read_department(
    department_id: uuid.UUID, response: Response, session: SessionDep, _reader: Reader
) -> Department:
    """One department with its charter."""
    department = await department_rules.get(session, department_id)
    set_etag(response, department.version)
    return department


@router.patch(
    "/departments/{department_id}", response_model=DepartmentRead, summary="Change a department"
)
async def update_department(
    department_id: uuid.UUID,
    payload: DepartmentUpdate,
    request: Request,
    response: Response,
    session: SessionDep,
    principal: Reader,
) -> Department:
    """Rename, move, set the head or charter, or archive (only when no active member is left)."""
    access.require_company_admin(principal)
    department = await department_rules.get(session, department_id)
    check_if_match(request, department.version)
    department = await department_rules.update(session, department, payload)
    set_etag(response, department.version)
    return department


@router.get(
    "/departments/{department_id}/members",
    response_model=Page[EmployeeRead],
    summary="List a department's members",
)
async def list_members(
    department_id: uuid.UUID,
    session: SessionDep,
    principal: Reader,
    params: EmployeePageParams,
    include_subtree: bool = False,
    include_left: bool = False,
) -> Response:
    """Current members (and, with ``include_subtree``, those of every sub-department)."""
    await department_rules.get(session, department_id)
    ids = {department_id}
    if include_subtree:
        ids = department_rules.subtree_ids(
            await department_rules.all_departments(session), department_id
        )
    query = employee_rules.EMPLOYEE_ROWS.where(Employee.department_id.in_(ids))
    if not include_left:
        query = query.where(Employee.status.in_(CURRENT_STATUSES))
    return await employee_page(session, query, params, principal)


@router.get("/org-chart", response_model=list[OrgChartNode], summary="The org chart")
async def read_org_chart(
    session: SessionDep, _reader: Reader, include_archived: bool = False
) -> list[OrgChartNode]:
    """The department tree with each head and the number of current members."""
    return await org_chart.build(session, include_archived)
