"""Demo data of training and performance (``officina up --demo``).

Like recruitment's demo (:mod:`services.hr.demo`), the reference loader *plants* it and a sweep
*realises* it once hr knows org's people: a course catalogue with a session each, this year's
training plan built from position needs, a company-wide KPI template, and last quarter's review
cycle, finished — every active employee self-assessed, reviewed, graded with a coefficient —
with an improvement plan for whoever fell below target.
"""

from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.hr.db.development import (
    Course,
    CourseSession,
    GradeBand,
    ImprovementPlan,
    KpiTemplate,
    Review,
    ReviewCycle,
    TrainingPlan,
)
from services.hr.db.models import Department, Employee
from services.hr.db.people import DemoSeed
from services.hr.domain import kpi
from shared.kit.db import utcnow
from shared.kit.runtime import ServiceRuntime

NAME: Final = "performance-and-training"
DEMO: Final = "demo"

INDICATORS: Final[list[dict[str, Any]]] = [
    {
        "name": "目标达成 Goals achieved",
        "weight": "50",
        "target": "100%",
        "method": "achievement_percentage",
        "scale_max": None,
    },
    {
        "name": "工作质量 Quality",
        "weight": "30",
        "target": "4",
        "method": "numeric_scale",
        "scale_max": 5,
    },
    {
        "name": "合规 Compliance",
        "weight": "20",
        "target": "通过 Pass",
        "method": "pass_fail",
        "scale_max": None,
    },
]
# achievement %, quality 0-5, compliance 0/1: S, A, B, C, D in turn
SCORES: Final = [
    ("110", "5", "1"),
    ("95", "4", "1"),
    ("80", "4", "1"),
    ("60", "3", "1"),
    ("50", "2", "0"),
]
# code, title, kind, provider, hours, cost, self-service
COURSES: Final = [
    ("SEC-101", "信息安全意识 Security awareness", "internal", None, "4.0", "0.00", True),
    (
        "LEAD-201",
        "新任经理领导力 First-time managers",
        "external_expert",
        "领航咨询",
        "16.0",
        "3200.00",
        False,
    ),
    (
        "PG-301",
        "PostgreSQL 性能调优 Tuning",
        "external_seminar",
        "数据库技术大会",
        "8.0",
        "1800.00",
        False,
    ),
]


async def plant(session: AsyncSession) -> None:
    """Mark the demo as wanted (once); it is realised as soon as hr knows org's people."""
    if await session.get(DemoSeed, NAME) is None:
        session.add(DemoSeed(name=NAME, state="pending"))
        await session.flush()
    await realise(session, utcnow().date())


def _scores(values: tuple[str, str, str]) -> list[dict[str, str]]:
    return [
        {"indicator": indicator["name"], "value": value}
        for indicator, value in zip(INDICATORS, values, strict=True)
    ]


def _last_quarter(today: date) -> tuple[date, date]:
    first_this = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    end = first_this - timedelta(days=1)
    return date(end.year, 3 * ((end.month - 1) // 3) + 1, 1), end


async def realise(session: AsyncSession, today: date) -> bool:
    """Create the demo records if wanted, not made yet, and hr knows some people."""
    seed = await session.get(DemoSeed, NAME)
    if seed is None or seed.state != "pending":
        return False
    people = (
        await session.scalars(
            select(Employee).where(Employee.status == "active").order_by(Employee.employee_number)
        )
    ).all()
    roots = (await session.scalars(select(Department).where(Department.parent_id.is_(None)))).all()
    if len(people) < 4 or not roots:
        return False
    bands = [
        {
            "grade": b.grade,
            "min_score": b.min_score,
            "coefficient": b.coefficient,
            "below_target": b.below_target,
        }
        for b in (await session.scalars(select(GradeBand))).all()
    ]
    if not bands:
        return False
    await _training(session, today)
    await _performance(session, people, roots, bands, today)
    seed.state = "done"
    seed.done_at = utcnow()
    await session.flush()
    return True


async def realise_pending(runtime: ServiceRuntime) -> bool:
    """The sweep's work: realise a planted demo when it can be."""
    async with runtime.transaction() as session:
        return await realise(session, runtime.today())


async def _training(session: AsyncSession, today: date) -> None:
    courses: list[Course] = []
    for code, title, kind, provider, hours, cost, self_service in COURSES:
        course = await session.scalar(select(Course).where(Course.code == code))
        if course is None:
            course = Course(
                code=code,
                title=title,
                kind=kind,
                provider=provider,
                hours=Decimal(hours),
                cost_per_participant=Decimal(cost),
                self_service=self_service,
                description="",
                created_by=DEMO,
            )
            session.add(course)
            await session.flush()
            starts = today + timedelta(days=30 + 14 * len(courses))
            session.add(
                CourseSession(
                    course_id=course.id,
                    starts_on=starts,
                    ends_on=starts + timedelta(days=1 if Decimal(hours) > 8 else 0),
                    location="总部3楼培训室 Training room, HQ 3F",
                    trainer=provider or "信息安全部 Security team",
                    capacity=30 if self_service else 12,
                    enrolled=0,
                    status="scheduled",
                )
            )
        courses.append(course)
    if await session.scalar(select(TrainingPlan.id).where(TrainingPlan.year == today.year)):
        return
    needs = [
        {"position": "全体员工 Everyone", "course_id": str(courses[0].id), "headcount": 60},
        {"position": "新任经理 New managers", "course_id": str(courses[1].id), "headcount": 6},
        {
            "position": "后端工程师 Backend engineers",
            "course_id": str(courses[2].id),
            "headcount": 8,
        },
    ]
    session.add(
        TrainingPlan(
            year=today.year,
            name=f"{today.year}年度培训计划 Training plan {today.year}",
            needs=needs,
            budget=Decimal("60000.00"),
            created_by=DEMO,
        )
    )
    await session.flush()


async def _performance(
    session: AsyncSession,
    people: Any,
    roots: Any,
    bands: list[dict[str, Any]],
    today: date,
) -> None:
    templates: dict[Any, KpiTemplate] = {}
    for root in roots:
        template = KpiTemplate(
            name=f"通用季度KPI Quarterly KPIs ({root.name})",
            department_id=root.id,
            indicators=INDICATORS,
            active=True,
            created_by=DEMO,
        )
        session.add(template)
        templates[root.id] = template
    await session.flush()
    tree = {d.id: d for d in (await session.scalars(select(Department))).all()}

    def root_of(department_id: Any) -> Any:
        current = tree.get(department_id)
        seen = set()
        while current is not None and current.parent_id is not None and current.id not in seen:
            seen.add(current.id)
            current = tree.get(current.parent_id)
        return current.id if current is not None else None

    start, end = _last_quarter(today)
    now = utcnow()
    cycle = ReviewCycle(
        name=f"{end.year} Q{(end.month - 1) // 3 + 1} 季度考核 Quarterly review",
        period="quarterly",
        start_date=start,
        end_date=end,
        department_id=None,
        status="closed",
        closed_at=now,
        created_by=DEMO,
    )
    session.add(cycle)
    await session.flush()
    below: list[tuple[Employee, Review]] = []
    for index, person in enumerate(people):
        found = templates.get(root_of(person.department_id))
        if found is None:
            continue
        template = found
        values = SCORES[index % len(SCORES)]
        score = kpi.weighted_score(INDICATORS, _scores(values))
        grade, coefficient, below_target = kpi.grade_of(bands, score)
        head = tree.get(person.department_id)
        review = Review(
            cycle_id=cycle.id,
            employee_id=person.id,
            department_id=person.department_id,
            template_id=template.id,
            indicators=INDICATORS,
            status="finalized",
            self_scores=_scores(SCORES[max(0, index % len(SCORES) - 1)]),
            self_comment="本季度按计划完成主要工作。",
            self_score=kpi.weighted_score(
                INDICATORS, _scores(SCORES[max(0, index % len(SCORES) - 1)])
            ),
            manager_scores=_scores(values),
            manager_comment="",
            reviewer_id=person.manager_id or (head.head_employee_id if head else None),
            score=score,
            final_score=score,
            grade=grade,
            coefficient=coefficient,
            below_target=below_target,
            finalized_at=now,
        )
        session.add(review)
        if below_target:
            below.append((person, review))
    await session.flush()
    for person, review in below[:2]:
        session.add(
            ImprovementPlan(
                employee_id=person.id,
                department_id=person.department_id,
                manager_id=person.manager_id,
                review_id=review.id,
                goals=["季度目标达成率不低于90%", "每两周与经理一对一沟通"],
                start_date=today,
                review_date=today + timedelta(days=90),
                status="open",
                created_by=DEMO,
            )
        )
    await session.flush()
