"""Demo data of recruitment and contracts (``officina up --demo``).

hr learns org's departments and people from org's feed only after it starts, so the reference
loader *plants* the demo (a ``demo_seeds`` row) and a sweep *realises* it once hr knows the R&D
department, its head and a few employees: a hiring plan of R&D (approved) with its posting and
candidates at several stages (applied, screening, shortlisted, interviewing with a scorecard,
offer with a passed check, rejected, withdrawn), and a labour contract for each employee hr
knows, some ending within 30 and 60 days (their expiry alerts follow from the alert sweep).
"""

import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.hr.db.models import Department, Employee
from services.hr.db.people import (
    Application,
    BackgroundCheck,
    Candidate,
    DemoSeed,
    HiringPlan,
    Interview,
    JobPosting,
    LabourContract,
    Offer,
    PayBand,
    Scorecard,
    ScorecardScore,
)
from services.hr.domain.hiring import DEFAULT_ROUNDS
from services.hr.domain.people_rules import email_key, phone_key
from shared.kit.db import utcnow
from shared.kit.runtime import ServiceRuntime

NAME = "recruitment-and-contracts"
DEMO = "demo"

# name, e-mail, phone, channel, stage, reason when closed
CANDIDATES = [
    ("周杰", "zhou.jie@example.com", "13800001001", "job_board", "applied", None),
    ("吴敏", "wu.min@example.com", "13800001002", "referral", "screening", None),
    ("郑一", "zheng.yi@example.com", "13800001003", "campus", "shortlisted", None),
    ("孙丽", "sun.li@example.com", "13800001004", "headhunter", "interviewing", None),
    ("冯五", "feng.wu@example.com", "13800001005", "job_board", "offer", None),
    ("钱二", "qian.er@example.com", "13800001006", "website", "rejected", "技术面试未通过"),
    (
        "陈七",
        "chen.qi@example.com",
        "13800001007",
        "social_media",
        "withdrawn",
        "已接受其他公司录用",
    ),
]


async def plant(session: AsyncSession) -> None:
    """Mark the demo as wanted (once); it is realised as soon as hr knows org's people."""
    if await session.get(DemoSeed, NAME) is None:
        session.add(DemoSeed(name=NAME, state="pending"))
        await session.flush()
    await realise(session, utcnow().date())


async def realise(session: AsyncSession, today: date) -> bool:
    """Create the demo records if they are wanted, not made yet, and hr knows R&D's people."""
    seed = await session.get(DemoSeed, NAME)
    if seed is None or seed.state != "pending":
        return False
    rnd = await session.scalar(select(Department).where(Department.code == "RND"))
    if rnd is None or rnd.head_employee_id is None:
        return False
    people = (
        await session.scalars(
            select(Employee).where(Employee.status != "left").order_by(Employee.employee_number)
        )
    ).all()
    if len(people) < 4:
        return False
    await _recruitment(session, rnd, today)
    await _contracts(session, people, today)
    seed.state = "done"
    seed.done_at = utcnow()
    await session.flush()
    return True


async def realise_pending(runtime: ServiceRuntime) -> bool:
    """The sweep's work: realise a planted demo when it can be."""
    async with runtime.transaction() as session:
        return await realise(session, runtime.today())


async def _recruitment(session: AsyncSession, rnd: Department, today: date) -> None:
    head = rnd.head_employee_id
    assert head is not None
    now = utcnow()
    plan = HiringPlan(
        department_id=rnd.id,
        position="高级后端工程师 Senior backend engineer",
        grade="P5",
        headcount=2,
        reason="新产品线扩张 A new product line",
        channels=["job_board", "referral", "campus"],
        requirements="5 年以上 Python 经验，熟悉 PostgreSQL",
        rounds=DEFAULT_ROUNDS,
        background_check_waived=False,
        requester_employee_id=head,
        status="approved",
        approval_state="approved",
        decided_at=now,
        created_by=DEMO,
    )
    session.add(plan)
    await session.flush()
    posting = JobPosting(
        hiring_plan_id=plan.id,
        department_id=rnd.id,
        title=plan.position,
        description=plan.requirements,
        channels=plan.channels,
        status="open",
        created_by=DEMO,
    )
    session.add(posting)
    await session.flush()
    band = await session.scalar(select(PayBand).where(PayBand.grade == "P5"))
    for name, email, phone, channel, stage, reason in CANDIDATES:
        candidate = Candidate(
            name=name,
            email=email,
            email_key=email_key(email),
            phone=phone,
            phone_key=phone_key(phone),
            resume_ref=f"files/resumes/{email.split('@')[0]}.pdf",
            source_channel=channel,
            created_by=DEMO,
        )
        session.add(candidate)
        await session.flush()
        application = Application(
            candidate_id=candidate.id,
            job_posting_id=posting.id,
            hiring_plan_id=plan.id,
            department_id=rnd.id,
            stage=stage,
            closed_reason=reason,
            stage_changed_at=now,
            created_by=DEMO,
        )
        session.add(application)
        await session.flush()
        if stage in ("interviewing", "offer"):
            await _interview(session, application.id, head, today, submitted=stage == "offer")
        if stage == "offer" and band is not None:
            session.add(
                BackgroundCheck(
                    application_id=application.id,
                    checker="上海诚信背调有限公司",
                    result="passed",
                    checked_on=today - timedelta(days=2),
                    notes="学历、前雇主核实无误",
                    created_at=now,
                    created_by=DEMO,
                )
            )
            session.add(
                Offer(
                    application_id=application.id,
                    candidate_id=candidate.id,
                    hiring_plan_id=plan.id,
                    department_id=rnd.id,
                    position=plan.position,
                    grade=band.grade,
                    salary=Decimal("26000.00"),
                    currency=band.currency,
                    band_maximum=band.maximum,
                    above_band=False,
                    start_date=today + timedelta(days=21),
                    probation_months=3,
                    status="approved",
                    decided_at=now,
                    created_by=DEMO,
                )
            )
    await session.flush()


async def _interview(
    session: AsyncSession,
    application_id: uuid.UUID,
    head: uuid.UUID,
    today: date,
    *,
    submitted: bool,
) -> None:
    interview = Interview(
        application_id=application_id,
        round=DEFAULT_ROUNDS[0]["name"],
        kind="department_head",
        scheduled_at=datetime.combine(today - timedelta(days=3), time(2, tzinfo=UTC)),
        location="研发部会议室",
        status="completed" if submitted else "scheduled",
        created_by=DEMO,
    )
    session.add(interview)
    await session.flush()
    card = Scorecard(
        interview_id=interview.id,
        interviewer_id=head,
        recommendation="hire" if submitted else None,
        comments="基础扎实，沟通顺畅" if submitted else "",
        submitted_at=utcnow() if submitted else None,
    )
    session.add(card)
    await session.flush()
    if submitted:
        for criterion, score in (("系统设计", 4), ("编码", 5), ("沟通", 4)):
            session.add(ScorecardScore(scorecard_id=card.id, criterion=criterion, score=score))


async def _contracts(session: AsyncSession, people: Sequence[Employee], today: date) -> None:
    """One contract each: the first ends within 30 days, the second within 60, the third is
    open-ended, the others run three years from their hire date's anniversary."""
    taken = set((await session.scalars(select(LabourContract.employee_id))).all())
    for index, person in enumerate(people):
        if person.id in taken:
            continue
        start = person.hire_date
        kind, end = "fixed_term", None
        if index == 0:
            end = today + timedelta(days=25)
        elif index == 1:
            end = today + timedelta(days=50)
        elif index == 2:
            kind = "open_ended"
        else:
            end = date(today.year + 2, start.month, min(start.day, 28))
        if end is not None and end < start:
            start = end - timedelta(days=3 * 365)
        session.add(
            LabourContract(
                employee_id=person.id,
                kind=kind,
                start_date=start,
                end_date=end,
                in_force_until=end,
                position="职员 Staff",
                salary=Decimal("15000.00") + Decimal(1000 * (index % 5)),
                status="active",
                fixed_term_sequence=1 if kind == "fixed_term" else 0,
                created_by=DEMO,
            )
        )
    await session.flush()
