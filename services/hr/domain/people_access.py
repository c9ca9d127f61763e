"""Who sees which recruitment and contract records: one statement per entity, used by its list
and its read alike.

HR and admins manage everything and auditors (and system clients) read everything; a
department head sees the plans, postings' applications, candidates, interviews, checks, offers
and onboardings of the departments they head (with sub-departments); an interviewer sees the
interviews they sit on and those applications' candidates; an employee sees their own labour
contracts. Everyone else gets 404.
"""

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, false, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from services.hr.db.people import (
    Application,
    BackgroundCheck,
    Candidate,
    HiringPlan,
    Interview,
    LabourContract,
    Offer,
    Onboarding,
    Scorecard,
)
from services.hr.domain import directory
from shared.contracts.principal import Principal
from shared.kit.errors import Forbidden


@dataclass(frozen=True)
class Viewer:
    """The caller, as recruitment's rules see them."""

    principal: Principal
    reads_all: bool
    manages: bool
    employee_id: uuid.UUID | None
    headed: frozenset[uuid.UUID]

    def require_manager(self, what: str = "this") -> None:
        """403 ``hr_only`` unless HR or an admin (for records the caller may see)."""
        if not self.manages:
            raise Forbidden(f"only HR may do {what}", code="hr_only")

    def heads(self, department_id: uuid.UUID) -> bool:
        """Whether the caller heads this department (or one above it)."""
        return department_id in self.headed


async def viewer_of(session: AsyncSession, principal: Principal) -> Viewer:
    """The caller with the departments they head (and everything below them)."""
    manages = principal.has_role("hr", "admin")
    reads_all = manages or principal.has_role("auditor") or principal.kind == "client"
    headed: set[uuid.UUID] = set()
    me = principal.employee_id
    if me is not None and not reads_all:
        tree = await directory.departments(session)
        for department in tree.values():
            if department.head_employee_id == me:
                headed |= directory.subtree(tree, department.id)
    return Viewer(principal, reads_all, manages, me, frozenset(headed))


def plans(viewer: Viewer) -> ColumnElement[bool]:
    """Hiring plans the caller may see."""
    if viewer.reads_all:
        return true()
    return HiringPlan.department_id.in_(viewer.headed) if viewer.headed else false()


def _interviewing(viewer: Viewer) -> ColumnElement[bool]:
    """Applications the caller interviews in some round."""
    if viewer.employee_id is None:
        return false()
    return Application.id.in_(
        select(Interview.application_id)
        .join(Scorecard, Scorecard.interview_id == Interview.id)
        .where(Scorecard.interviewer_id == viewer.employee_id)
    )


def applications(viewer: Viewer) -> ColumnElement[bool]:
    """Applications the caller may see: their departments', and those they interview."""
    if viewer.reads_all:
        return true()
    headed = Application.department_id.in_(viewer.headed) if viewer.headed else false()
    return or_(headed, _interviewing(viewer))


def candidates(viewer: Viewer) -> ColumnElement[bool]:
    """Candidates the caller may see: those with an application the caller may see."""
    if viewer.reads_all:
        return true()
    return Candidate.id.in_(select(Application.candidate_id).where(applications(viewer)))


def interviews(viewer: Viewer) -> ColumnElement[bool]:
    """Interview rounds the caller may see: their departments', and those they sit on."""
    if viewer.reads_all:
        return true()
    conditions: list[ColumnElement[bool]] = []
    if viewer.headed:
        conditions.append(
            Interview.application_id.in_(
                select(Application.id).where(Application.department_id.in_(viewer.headed))
            )
        )
    if viewer.employee_id is not None:
        conditions.append(
            Interview.id.in_(
                select(Scorecard.interview_id).where(Scorecard.interviewer_id == viewer.employee_id)
            )
        )
    return or_(*conditions) if conditions else false()


def department_records(viewer: Viewer, column: Any) -> ColumnElement[bool]:
    """Checks, offers and onboardings: HR, auditors and the department's head."""
    if viewer.reads_all:
        return true()
    return column.in_(viewer.headed) if viewer.headed else false()


def checks(viewer: Viewer) -> ColumnElement[bool]:
    """Background checks the caller may see."""
    if viewer.reads_all:
        return true()
    return BackgroundCheck.application_id.in_(
        select(Application.id).where(department_records(viewer, Application.department_id))
    )


def offers(viewer: Viewer) -> ColumnElement[bool]:
    """Offers the caller may see."""
    return department_records(viewer, Offer.department_id)


def onboardings(viewer: Viewer) -> ColumnElement[bool]:
    """Onboardings the caller may see."""
    return department_records(viewer, Onboarding.department_id)


def contracts(viewer: Viewer) -> ColumnElement[bool]:
    """Labour contracts the caller may see: all (HR, admins, auditors) or their own."""
    if viewer.reads_all:
        return true()
    if viewer.employee_id is None:
        return false()
    return LabourContract.employee_id == viewer.employee_id
