"""Wire shapes of performance, training and the suggestion box."""

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from shared.contracts.decimals import DecimalString
from shared.contracts.money import Money

ScoringMethod = Literal["numeric_scale", "achievement_percentage", "pass_fail"]
Period = Literal["monthly", "quarterly", "annual"]
CycleStatus = Literal["open", "closed"]
ReviewStatus = Literal["self_assessment", "manager_review", "reviewed", "finalized"]
Grade = Literal["S", "A", "B", "C", "D"]
PlanStatus = Literal["open", "completed", "extended", "failed"]
Outcome = Literal["completed", "extended", "failed"]
Progress = Literal["on_track", "at_risk", "off_track"]
CourseKind = Literal["internal", "external_expert", "external_seminar"]
SessionStatus = Literal["scheduled", "completed", "cancelled"]
EnrolmentStatus = Literal["enrolled", "attended", "completed", "no_show", "cancelled"]
Attendance = Literal["attended", "no_show"]
SuggestionCategory = Literal["workplace", "process", "product", "welfare", "management", "other"]
SuggestionStatus = Literal["received", "answered"]

ID = "0193a8c0-0000-7000-8000-00000000d001"
EMPLOYEE_ID = "0193a8c0-0000-7000-8000-0000000000e1"
HEAD_ID = "0193a8c0-0000-7000-8000-0000000000e2"
DEPARTMENT_ID = "0193a8c0-0000-7000-8000-0000000000d1"
AT = "2026-11-20T08:30:00Z"
STAMPS: dict[str, Any] = {"created_at": AT, "updated_at": AT, "version": 1}
Score = Decimal
Hours = Annotated[Decimal, DecimalString(places=1, gt=0, le=10000, example="4.0")]
MinScore = Annotated[Decimal, DecimalString(places=2, ge=0, le=120, example="85.00")]
Coefficient = Annotated[Decimal, DecimalString(places=2, ge=0, le=5, example="1.20")]
Weight = Annotated[Decimal, DecimalString(places=2, gt=0, le=100, example="30")]
IndicatorValue = Annotated[Decimal, DecimalString(places=2, ge=-1000, le=1000, example="4")]
AdjustedScore = Annotated[Decimal, DecimalString(places=2, digits=6, example="88.00")]
Item = Annotated[str, StringConstraints(min_length=1, max_length=500)]
"""A goal, an agenda item: at most 500 characters."""


def examples(*values: dict[str, Any], read: bool = False) -> ConfigDict:
    """A model config with these examples (reads also build from ORM objects)."""
    extra: dict[str, Any] = {"examples": list(values)}
    if read:
        return ConfigDict(from_attributes=True, json_schema_extra=extra)
    return ConfigDict(extra="forbid", json_schema_extra=extra)


# ---- KPI templates ----------------------------------------------------------------------------

INDICATOR: dict[str, Any] = {
    "name": "交付准时率",
    "weight": "60",
    "target": "95%",
    "method": "achievement_percentage",
    "scale_max": None,
}
INDICATORS: list[Any] = [
    INDICATOR,
    {"name": "代码质量", "weight": "40", "target": "4", "method": "numeric_scale", "scale_max": 5},
]


class Indicator(BaseModel):
    """One KPI: its weight (all weights sum to 100), target and scoring method. A numeric scale
    scores 0..``scale_max``; an achievement percentage 0-200 (capped at 120 in the score);
    pass/fail 0 or 1."""

    model_config = examples(INDICATOR)

    name: str = Field(min_length=1, max_length=100)
    weight: Weight
    target: str = Field(min_length=1, max_length=200)
    method: ScoringMethod
    scale_max: int | None = Field(default=None, ge=1, le=100)


class KpiTemplateCreate(BaseModel):
    """A KPI template for a department (and everything below it) or a position."""

    model_config = examples(
        {"name": "研发季度KPI", "department_id": DEPARTMENT_ID, "indicators": INDICATORS}
    )

    name: str = Field(min_length=1, max_length=200)
    department_id: uuid.UUID | None = None
    position: str | None = Field(default=None, min_length=1, max_length=200)
    indicators: list[Indicator] = Field(min_length=1, max_length=30)
    active: bool = True


class KpiTemplateUpdate(BaseModel):
    """Fields to change (``If-Match`` with the template's ETag)."""

    model_config = examples({"indicators": INDICATORS}, {"active": False})

    name: str | None = Field(default=None, min_length=1, max_length=200)
    position: str | None = Field(default=None, min_length=1, max_length=200)
    indicators: list[Indicator] | None = Field(default=None, min_length=1, max_length=30)
    active: bool | None = None


class KpiTemplateRead(BaseModel):
    """A KPI template."""

    model_config = examples(
        {
            "id": ID,
            "name": "研发季度KPI",
            "department_id": DEPARTMENT_ID,
            "position": None,
            "indicators": INDICATORS,
            "active": True,
            "created_by": "user:harriet",
            **STAMPS,
        },
        read=True,
    )

    id: uuid.UUID
    name: str
    department_id: uuid.UUID | None
    position: str | None
    indicators: list[Indicator]
    active: bool
    created_by: str | None
    created_at: datetime
    updated_at: datetime
    version: int


# ---- grade bands ------------------------------------------------------------------------------

BANDS: list[Any] = [
    {"grade": "S", "min_score": "95.00", "coefficient": "1.50", "below_target": False},
    {"grade": "A", "min_score": "85.00", "coefficient": "1.20", "below_target": False},
    {"grade": "B", "min_score": "70.00", "coefficient": "1.00", "below_target": False},
    {"grade": "C", "min_score": "60.00", "coefficient": "0.80", "below_target": True},
    {"grade": "D", "min_score": "0.00", "coefficient": "0.50", "below_target": True},
]


class GradeBandItem(BaseModel):
    """A grade earned from ``min_score`` up (to the next band), and its performance coefficient;
    ``below_target`` grades call for an improvement plan."""

    model_config = ConfigDict(from_attributes=True, json_schema_extra={"examples": [BANDS[0]]})

    grade: Grade
    min_score: MinScore
    coefficient: Coefficient
    below_target: bool = False


class GradeBands(BaseModel):
    """The grade bands, best first."""

    model_config = examples({"bands": BANDS})

    bands: list[GradeBandItem] = Field(min_length=1, max_length=5)


# ---- review cycles ----------------------------------------------------------------------------


class ReviewCycleCreate(BaseModel):
    """A review cycle; ``department_id`` limits it to that department and those below."""

    model_config = examples(
        {
            "name": "2026年第四季度考核",
            "period": "quarterly",
            "start_date": "2026-10-01",
            "end_date": "2026-12-31",
            "department_id": None,
        }
    )

    name: str = Field(min_length=1, max_length=200)
    period: Period
    start_date: date
    end_date: date
    department_id: uuid.UUID | None = None


class ReviewCycleRead(BaseModel):
    """A review cycle."""

    model_config = examples(
        {
            "id": ID,
            "name": "2026年第四季度考核",
            "period": "quarterly",
            "start_date": "2026-10-01",
            "end_date": "2026-12-31",
            "department_id": None,
            "status": "open",
            "closed_at": None,
            "created_by": "user:harriet",
            **STAMPS,
        },
        read=True,
    )

    id: uuid.UUID
    name: str
    period: Period
    start_date: date
    end_date: date
    department_id: uuid.UUID | None
    status: CycleStatus
    closed_at: datetime | None
    created_by: str | None
    created_at: datetime
    updated_at: datetime
    version: int


class NotFinalized(BaseModel):
    """Someone whose review is not final yet."""

    model_config = examples({"employee_id": EMPLOYEE_ID, "status": "self_assessment"})

    employee_id: uuid.UUID
    status: ReviewStatus


class DepartmentStatistics(BaseModel):
    """One department's reviews in a cycle."""

    model_config = examples(
        {
            "department_id": DEPARTMENT_ID,
            "reviews": 3,
            "finalized": 2,
            "average_score": "82.50",
            "grade_distribution": {"S": 0, "A": 1, "B": 1, "C": 0, "D": 0},
            "not_finalized": [{"employee_id": EMPLOYEE_ID, "status": "self_assessment"}],
            "without_review": [],
        }
    )

    department_id: uuid.UUID
    reviews: int
    finalized: int
    average_score: Decimal | None
    grade_distribution: dict[str, int]
    not_finalized: list[NotFinalized]
    without_review: list[uuid.UUID] = Field(
        description="Active people in the cycle's scope with no review in it (hired since)."
    )


class CycleStatistics(BaseModel):
    """A cycle's statistics per department (the departments whose reviews the caller sees)."""

    model_config = examples({"cycle_id": ID, "departments": []})

    cycle_id: uuid.UUID
    departments: list[DepartmentStatistics]


# ---- reviews ----------------------------------------------------------------------------------


class IndicatorScore(BaseModel):
    """The value given to one indicator, on its scale."""

    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={"examples": [{"indicator": "代码质量", "value": "4"}]},
    )

    indicator: str = Field(min_length=1, max_length=100)
    value: IndicatorValue


class Assessment(BaseModel):
    """Scores for every indicator of the review, and a comment."""

    model_config = examples(
        {
            "scores": [
                {"indicator": "交付准时率", "value": "96"},
                {"indicator": "代码质量", "value": "4"},
            ],
            "comment": "按时交付了全部里程碑",
        }
    )

    scores: list[IndicatorScore] = Field(min_length=1, max_length=30)
    comment: str = Field(default="", max_length=2000)


class Calibration(BaseModel):
    """HR's adjusted score and why."""

    model_config = examples({"score": "88.00", "reason": "跨部门校准：项目难度高于平均"})

    score: AdjustedScore
    reason: str = Field(min_length=1, max_length=500)


class ReviewRead(BaseModel):
    """A review; once final, ``grade`` and ``coefficient`` are what payroll reads."""

    model_config = examples(
        {
            "id": ID,
            "cycle_id": ID,
            "employee_id": EMPLOYEE_ID,
            "department_id": DEPARTMENT_ID,
            "template_id": ID,
            "indicators": INDICATORS,
            "status": "finalized",
            "self_scores": [{"indicator": "代码质量", "value": "4"}],
            "self_comment": "",
            "self_score": "90.00",
            "manager_scores": [{"indicator": "代码质量", "value": "4"}],
            "manager_comment": "",
            "reviewer_id": HEAD_ID,
            "score": "86.00",
            "calibrated_score": None,
            "calibration_reason": None,
            "final_score": "86.00",
            "grade": "A",
            "coefficient": "1.20",
            "below_target": False,
            "finalized_at": AT,
            **STAMPS,
        },
        read=True,
    )

    id: uuid.UUID
    cycle_id: uuid.UUID
    employee_id: uuid.UUID
    department_id: uuid.UUID
    template_id: uuid.UUID | None
    indicators: list[Indicator]
    status: ReviewStatus
    self_scores: list[IndicatorScore] | None
    self_comment: str | None
    self_score: Decimal | None
    manager_scores: list[IndicatorScore] | None
    manager_comment: str | None
    reviewer_id: uuid.UUID | None
    score: Decimal | None
    calibrated_score: Decimal | None
    calibration_reason: str | None
    final_score: Decimal | None
    grade: str | None
    coefficient: Decimal | None
    below_target: bool
    finalized_at: datetime | None
    created_at: datetime
    updated_at: datetime
    version: int


# ---- improvement plans ------------------------------------------------------------------------


class ImprovementPlanCreate(BaseModel):
    """An improvement plan; ``manager_id`` defaults to the employee's manager."""

    model_config = examples(
        {
            "employee_id": EMPLOYEE_ID,
            "review_id": ID,
            "goals": ["每周按时提交代码评审", "季度内交付准时率达到90%"],
            "start_date": "2027-01-04",
            "review_date": "2027-03-31",
        }
    )

    employee_id: uuid.UUID
    review_id: uuid.UUID | None = None
    manager_id: uuid.UUID | None = None
    goals: list[Item] = Field(min_length=1, max_length=20)
    start_date: date
    review_date: date


class CheckInCreate(BaseModel):
    """A coaching check-in."""

    model_config = examples(
        {"held_on": "2027-01-29", "notes": "评审提交及时，交付仍有延迟", "progress": "at_risk"}
    )

    held_on: date
    notes: str = Field(min_length=1, max_length=4000)
    progress: Progress


class CheckInRead(BaseModel):
    """A recorded check-in."""

    model_config = examples(
        {
            "id": ID,
            "plan_id": ID,
            "held_on": "2027-01-29",
            "notes": "评审提交及时",
            "progress": "on_track",
            "created_by": "user:wang",
            "created_at": AT,
        },
        read=True,
    )

    id: uuid.UUID
    plan_id: uuid.UUID
    held_on: date
    notes: str
    progress: Progress
    created_by: str | None
    created_at: datetime


class PlanOutcome(BaseModel):
    """The plan's outcome; an extension names the new review date."""

    model_config = examples(
        {"outcome": "extended", "note": "有进步，延长一个月", "review_date": "2027-04-30"},
        {"outcome": "completed", "note": "目标全部达成"},
    )

    outcome: Outcome
    note: str = Field(min_length=1, max_length=2000)
    review_date: date | None = None


class ImprovementPlanRead(BaseModel):
    """An improvement plan with its check-ins."""

    model_config = examples(
        {
            "id": ID,
            "employee_id": EMPLOYEE_ID,
            "department_id": DEPARTMENT_ID,
            "manager_id": HEAD_ID,
            "review_id": ID,
            "goals": ["季度内交付准时率达到90%"],
            "start_date": "2027-01-04",
            "review_date": "2027-03-31",
            "status": "open",
            "outcome_note": None,
            "decided_at": None,
            "check_ins": [],
            "created_by": "user:harriet",
            **STAMPS,
        },
        read=True,
    )

    id: uuid.UUID
    employee_id: uuid.UUID
    department_id: uuid.UUID
    manager_id: uuid.UUID | None
    review_id: uuid.UUID | None
    goals: list[str]
    start_date: date
    review_date: date
    status: PlanStatus
    outcome_note: str | None
    decided_at: datetime | None
    check_ins: list[CheckInRead] = []
    created_by: str | None
    created_at: datetime
    updated_at: datetime
    version: int


# ---- suggestions ------------------------------------------------------------------------------


class SuggestionCreate(BaseModel):
    """A suggestion; an anonymous one is stored with no employee or account id at all."""

    model_config = examples(
        {
            "title": "食堂增加素食窗口",
            "body": "希望午餐提供更多素食选择。",
            "category": "welfare",
            "anonymous": True,
        }
    )

    title: str = Field(min_length=1, max_length=200)
    body: str = Field(min_length=1, max_length=4000)
    category: SuggestionCategory = "other"
    anonymous: bool = False


class SuggestionRead(BaseModel):
    """A suggestion; ``submitter_employee_id`` is null when it is anonymous."""

    model_config = examples(
        {
            "id": ID,
            "title": "食堂增加素食窗口",
            "body": "希望午餐提供更多素食选择。",
            "category": "welfare",
            "anonymous": True,
            "submitter_employee_id": None,
            "status": "answered",
            "answer": "下月起二楼食堂增设素食窗口。",
            "answered_at": AT,
            **STAMPS,
        },
        read=True,
    )

    id: uuid.UUID
    title: str
    body: str
    category: SuggestionCategory
    anonymous: bool
    submitter_employee_id: uuid.UUID | None
    status: SuggestionStatus
    answer: str | None
    answered_at: datetime | None
    created_at: datetime
    updated_at: datetime
    version: int


class SuggestionReceipt(BaseModel):
    """A filed suggestion and its receipt token: shown only now, keep it to follow the answer."""

    model_config = examples(
        {
            "suggestion": SuggestionRead.model_config["json_schema_extra"]["examples"][0],  # type: ignore[index]
            "receipt_token": "q3Yv0c1m8dJm2bq9kq8pXo0s4m1YwzH6b0Zr7tq2Ueg",
        }
    )

    suggestion: SuggestionRead
    receipt_token: str


class ReceiptLookup(BaseModel):
    """A receipt token, sent in the body so that it never appears in a URL or a log."""

    model_config = examples({"receipt_token": "q3Yv0c1m8dJm2bq9kq8pXo0s4m1YwzH6b0Zr7tq2Ueg"})

    receipt_token: str = Field(min_length=16, max_length=100)


class SuggestionFollowUp(BaseModel):
    """What a receipt shows: the suggestion's status and HR's answer."""

    model_config = examples(
        {
            "title": "食堂增加素食窗口",
            "status": "answered",
            "answer": "下月起二楼食堂增设素食窗口。",
            "answered_at": AT,
        }
    )

    title: str
    status: SuggestionStatus
    answer: str | None
    answered_at: datetime | None


class SuggestionAnswer(BaseModel):
    """HR's answer."""

    model_config = examples({"answer": "下月起二楼食堂增设素食窗口。"})

    answer: str = Field(min_length=1, max_length=4000)


# ---- training ---------------------------------------------------------------------------------

COURSE_ID = "0193a8c0-0000-7000-8000-00000000d101"
SESSION_ID = "0193a8c0-0000-7000-8000-00000000d201"


class CourseCreate(BaseModel):
    """A course in the catalogue."""

    model_config = examples(
        {
            "code": "SEC-101",
            "title": "信息安全意识",
            "kind": "internal",
            "provider": None,
            "hours": "4.0",
            "cost_per_participant": "0.00",
            "self_service": True,
            "description": "全员必修",
        }
    )

    code: str = Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_.-]+$")
    title: str = Field(min_length=1, max_length=200)
    kind: CourseKind
    provider: str | None = Field(default=None, max_length=200)
    hours: Hours
    cost_per_participant: Money = Decimal("0.00")
    self_service: bool = False
    description: str = Field(default="", max_length=4000)


class CourseRead(BaseModel):
    """A course."""

    model_config = examples(
        {
            "id": COURSE_ID,
            "code": "SEC-101",
            "title": "信息安全意识",
            "kind": "internal",
            "provider": None,
            "hours": "4.0",
            "cost_per_participant": "0.00",
            "self_service": True,
            "description": "全员必修",
            "created_by": "user:harriet",
            **STAMPS,
        },
        read=True,
    )

    id: uuid.UUID
    code: str
    title: str
    kind: CourseKind
    provider: str | None
    hours: Decimal
    cost_per_participant: Money
    self_service: bool
    description: str
    created_by: str | None
    created_at: datetime
    updated_at: datetime
    version: int


class CourseSessionCreate(BaseModel):
    """A session of a course."""

    model_config = examples(
        {
            "course_id": COURSE_ID,
            "starts_on": "2027-03-02",
            "ends_on": "2027-03-02",
            "location": "总部3楼培训室",
            "trainer": "安全部 李工",
            "capacity": 30,
        }
    )

    course_id: uuid.UUID
    starts_on: date
    ends_on: date
    location: str = Field(min_length=1, max_length=200)
    trainer: str | None = Field(default=None, max_length=200)
    capacity: int = Field(ge=1, le=10000)


class CourseSessionRead(BaseModel):
    """A session, with how many seats are taken."""

    model_config = examples(
        {
            "id": SESSION_ID,
            "course_id": COURSE_ID,
            "starts_on": "2027-03-02",
            "ends_on": "2027-03-02",
            "location": "总部3楼培训室",
            "trainer": "安全部 李工",
            "capacity": 30,
            "enrolled": 12,
            "status": "scheduled",
            **STAMPS,
        },
        read=True,
    )

    id: uuid.UUID
    course_id: uuid.UUID
    starts_on: date
    ends_on: date
    location: str
    trainer: str | None
    capacity: int
    enrolled: int
    status: SessionStatus
    created_at: datetime
    updated_at: datetime
    version: int


class EnrolmentCreate(BaseModel):
    """A seat in a session; without ``employee_id``, for the caller (self-service)."""

    model_config = examples({"session_id": SESSION_ID, "employee_id": EMPLOYEE_ID})

    session_id: uuid.UUID
    employee_id: uuid.UUID | None = None


class AttendanceRecord(BaseModel):
    """Whether the participant came."""

    model_config = examples({"attendance": "attended"})

    attendance: Attendance


class CompletionRecord(BaseModel):
    """The day the participant completed the course."""

    model_config = examples({"completed_on": "2027-03-02"})

    completed_on: date


class Evaluation(BaseModel):
    """A rating of 1-5 and what the course changed: the participant's, or their manager's."""

    model_config = examples({"rating": 4, "comment": "钓鱼邮件识别能力明显提高"})

    rating: int = Field(ge=1, le=5)
    comment: str = Field(default="", max_length=2000)


class EnrolmentRead(BaseModel):
    """An enrolment, to completion and its evaluation."""

    model_config = examples(
        {
            "id": ID,
            "session_id": SESSION_ID,
            "course_id": COURSE_ID,
            "employee_id": EMPLOYEE_ID,
            "status": "completed",
            "completed_on": "2027-03-02",
            "participant_rating": 4,
            "participant_feedback": "实用",
            "manager_rating": 4,
            "manager_assessment": "钓鱼邮件识别能力明显提高",
            "created_by": "user:harriet",
            **STAMPS,
        },
        read=True,
    )

    id: uuid.UUID
    session_id: uuid.UUID
    course_id: uuid.UUID
    employee_id: uuid.UUID
    status: EnrolmentStatus
    completed_on: date | None
    participant_rating: int | None
    participant_feedback: str | None
    manager_rating: int | None
    manager_assessment: str | None
    created_by: str | None
    created_at: datetime
    updated_at: datetime
    version: int


class TrainingRecordEntry(BaseModel):
    """One course of an employee's record."""

    model_config = examples(
        {
            "enrolment_id": ID,
            "course_id": COURSE_ID,
            "course_code": "SEC-101",
            "course_title": "信息安全意识",
            "kind": "internal",
            "hours": "4.0",
            "session_id": SESSION_ID,
            "starts_on": "2027-03-02",
            "status": "completed",
            "completed_on": "2027-03-02",
            "participant_rating": 4,
            "manager_rating": None,
        }
    )

    enrolment_id: uuid.UUID
    course_id: uuid.UUID
    course_code: str
    course_title: str
    kind: CourseKind
    hours: Decimal
    session_id: uuid.UUID
    starts_on: date
    status: EnrolmentStatus
    completed_on: date | None
    participant_rating: int | None
    manager_rating: int | None


class TrainingRecord(BaseModel):
    """An employee's training: every course they took or are enrolled in."""

    model_config = examples(
        {
            "employee_id": EMPLOYEE_ID,
            "completed_courses": 1,
            "completed_hours": "4.0",
            "entries": [],
        }
    )

    employee_id: uuid.UUID
    completed_courses: int
    completed_hours: Decimal
    entries: list[TrainingRecordEntry]


class TrainingNeed(BaseModel):
    """A position's need for a course, for how many people."""

    model_config = examples({"position": "软件工程师", "course_id": COURSE_ID, "headcount": 12})

    position: str = Field(min_length=1, max_length=200)
    course_id: uuid.UUID
    headcount: int = Field(ge=1, le=100000)


class TrainingPlanCreate(BaseModel):
    """A year's training plan."""

    model_config = examples(
        {
            "year": 2027,
            "name": "2027年度培训计划",
            "needs": [{"position": "软件工程师", "course_id": COURSE_ID, "headcount": 12}],
            "budget": "50000.00",
        }
    )

    year: int = Field(ge=2000, le=2100)
    name: str = Field(min_length=1, max_length=200)
    needs: list[TrainingNeed] = Field(default_factory=list, max_length=500)
    budget: Money = Decimal("0.00")


class TrainingPlanUpdate(BaseModel):
    """Fields to change (``If-Match``)."""

    model_config = examples({"needs": [], "budget": "60000.00"})

    name: str | None = Field(default=None, min_length=1, max_length=200)
    needs: list[TrainingNeed] | None = Field(default=None, max_length=500)
    budget: Money | None = None


class TrainingPlanRead(BaseModel):
    """A year's training plan and what its needs would cost."""

    model_config = examples(
        {
            "id": ID,
            "year": 2027,
            "name": "2027年度培训计划",
            "needs": [{"position": "软件工程师", "course_id": COURSE_ID, "headcount": 12}],
            "budget": "50000.00",
            "estimated_cost": "0.00",
            "created_by": "user:harriet",
            **STAMPS,
        },
        read=True,
    )

    id: uuid.UUID
    year: int
    name: str
    needs: list[TrainingNeed]
    budget: Money
    estimated_cost: Money = Decimal("0.00")
    created_by: str | None
    created_at: datetime
    updated_at: datetime
    version: int


# ---- employee relations -----------------------------------------------------------------------

CaseStatus = Literal["open", "investigating", "resolved", "withdrawn"]
DisputeForum = Literal["mediation", "arbitration", "litigation"]
ForumStatus = Literal["planned", "held", "cancelled"]


class CaseCreate(BaseModel):
    """A complaint or labour dispute. An employee filing a complaint files their own (the
    employee and handler fields are HR's)."""

    model_config = examples(
        {
            "subject": "加班费计算有误",
            "description": "十月份加班费少算了8小时。",
            "employee_id": EMPLOYEE_ID,
            "confidential": True,
            "handler_id": HEAD_ID,
            "handler_ids": [],
            "forum": None,
        }
    )

    subject: str = Field(min_length=1, max_length=200)
    description: str = Field(min_length=1, max_length=4000)
    employee_id: uuid.UUID | None = None
    confidential: bool = False
    handler_id: uuid.UUID | None = None
    handler_ids: list[uuid.UUID] = Field(default_factory=list, max_length=20)
    forum: DisputeForum | None = None


class CaseUpdate(BaseModel):
    """A step of the case: handlers and confidentiality (HR), status and outcome (HR or a
    handler). ``resolved`` needs the outcome."""

    model_config = examples(
        {"status": "resolved", "outcome": "补发加班费并调整计算规则"},
        {"handler_id": HEAD_ID, "confidential": True},
    )

    confidential: bool | None = None
    handler_id: uuid.UUID | None = None
    handler_ids: list[uuid.UUID] | None = Field(default=None, max_length=20)
    forum: DisputeForum | None = None
    status: CaseStatus | None = None
    outcome: str | None = Field(default=None, min_length=1, max_length=4000)


class CaseRead(BaseModel):
    """A complaint or labour dispute."""

    model_config = examples(
        {
            "id": ID,
            "kind": "complaint",
            "subject": "加班费计算有误",
            "description": "十月份加班费少算了8小时。",
            "employee_id": EMPLOYEE_ID,
            "confidential": True,
            "handler_id": HEAD_ID,
            "handler_ids": [],
            "forum": None,
            "status": "resolved",
            "outcome": "补发加班费并调整计算规则",
            "resolved_at": AT,
            "created_by": "user:harriet",
            **STAMPS,
        },
        read=True,
    )

    id: uuid.UUID
    kind: Literal["complaint", "dispute"]
    subject: str
    description: str
    employee_id: uuid.UUID | None
    confidential: bool
    handler_id: uuid.UUID | None
    handler_ids: list[uuid.UUID]
    forum: DisputeForum | None
    status: CaseStatus
    outcome: str | None
    resolved_at: datetime | None
    created_by: str | None
    created_at: datetime
    updated_at: datetime
    version: int


class ForumSessionCreate(BaseModel):
    """A staff forum session."""

    model_config = examples(
        {
            "title": "2027年第一季度员工座谈会",
            "held_on": "2027-01-15",
            "location": "总部大会议室",
            "agenda": ["食堂改进", "弹性工作制试点"],
            "attendee_ids": [EMPLOYEE_ID],
        }
    )

    title: str = Field(min_length=1, max_length=200)
    held_on: date
    location: str = Field(min_length=1, max_length=200)
    agenda: list[Item] = Field(min_length=1, max_length=50)
    attendee_ids: list[uuid.UUID] = Field(default_factory=list, max_length=500)


class ForumMinutes(BaseModel):
    """The minutes of a held session and, if it differs, who came."""

    model_config = examples({"minutes": "一、食堂改进：……", "attendee_ids": [EMPLOYEE_ID]})

    minutes: str = Field(min_length=1, max_length=20000)
    attendee_ids: list[uuid.UUID] | None = Field(default=None, max_length=500)


class ForumSessionRead(BaseModel):
    """A staff forum session."""

    model_config = examples(
        {
            "id": ID,
            "title": "2027年第一季度员工座谈会",
            "held_on": "2027-01-15",
            "location": "总部大会议室",
            "agenda": ["食堂改进", "弹性工作制试点"],
            "attendee_ids": [EMPLOYEE_ID],
            "minutes": None,
            "status": "planned",
            "created_by": "user:harriet",
            **STAMPS,
        },
        read=True,
    )

    id: uuid.UUID
    title: str
    held_on: date
    location: str
    agenda: list[str]
    attendee_ids: list[uuid.UUID]
    minutes: str | None
    status: ForumStatus
    created_by: str | None
    created_at: datetime
    updated_at: datetime
    version: int


# ---- development plans and career moves -------------------------------------------------------

GoalStatus = Literal["not_started", "in_progress", "achieved", "dropped"]
MoveKind = Literal["promotion", "rotation"]
MoveStatus = Literal[
    "pending", "approved", "applied", "rejected", "cancelled", "approval_refused", "org_refused"
]
POSITION_ID = "0193a8c0-0000-7000-8000-0000000000f1"


class DevelopmentGoal(BaseModel):
    """A development goal, how it is measured, and by when."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "goal": "独立负责一个模块的架构设计",
                    "measure": "完成设计评审",
                    "due": "2027-06-30",
                    "status": "in_progress",
                }
            ]
        },
    )

    goal: str = Field(min_length=1, max_length=500)
    measure: str = Field(default="", max_length=500)
    due: date | None = None
    status: GoalStatus = "not_started"


class DevelopmentPlanCreate(BaseModel):
    """An individual development plan for a year."""

    model_config = examples(
        {
            "employee_id": EMPLOYEE_ID,
            "year": 2027,
            "goals": [{"goal": "独立负责一个模块的架构设计", "due": "2027-06-30"}],
        }
    )

    employee_id: uuid.UUID
    year: int = Field(ge=2000, le=2100)
    goals: list[DevelopmentGoal] = Field(min_length=1, max_length=30)


class DevelopmentReviewCreate(BaseModel):
    """A progress review; ``goals`` replaces the goals (with their status), ``close`` ends it."""

    model_config = examples(
        {"reviewed_on": "2027-06-30", "notes": "设计评审已通过", "goals": None, "close": False}
    )

    reviewed_on: date
    notes: str = Field(min_length=1, max_length=4000)
    goals: list[DevelopmentGoal] | None = Field(default=None, min_length=1, max_length=30)
    close: bool = False


class DevelopmentReviewRead(BaseModel):
    """A recorded progress review."""

    model_config = examples(
        {
            "id": ID,
            "plan_id": ID,
            "reviewed_on": "2027-06-30",
            "notes": "设计评审已通过",
            "created_by": "user:wang",
            "created_at": AT,
        },
        read=True,
    )

    id: uuid.UUID
    plan_id: uuid.UUID
    reviewed_on: date
    notes: str
    created_by: str | None
    created_at: datetime


class DevelopmentPlanRead(BaseModel):
    """An individual development plan and its reviews."""

    model_config = examples(
        {
            "id": ID,
            "employee_id": EMPLOYEE_ID,
            "department_id": DEPARTMENT_ID,
            "year": 2027,
            "goals": [
                {
                    "goal": "独立负责一个模块的架构设计",
                    "measure": "",
                    "due": "2027-06-30",
                    "status": "in_progress",
                }
            ],
            "status": "active",
            "reviews": [],
            "created_by": "user:wang",
            **STAMPS,
        },
        read=True,
    )

    id: uuid.UUID
    employee_id: uuid.UUID
    department_id: uuid.UUID
    year: int
    goals: list[DevelopmentGoal]
    status: Literal["active", "closed"]
    reviews: list[DevelopmentReviewRead] = []
    created_by: str | None
    created_at: datetime
    updated_at: datetime
    version: int


class CareerMoveCreate(BaseModel):
    """A promotion or job rotation: at least one of the new position, department or manager."""

    model_config = examples(
        {
            "employee_id": EMPLOYEE_ID,
            "kind": "promotion",
            "to_position_id": POSITION_ID,
            "to_department_id": None,
            "to_manager_id": None,
            "effective_date": "2027-01-01",
            "reason": "年度考核S，具备高级工程师能力",
        }
    )

    employee_id: uuid.UUID
    kind: MoveKind
    to_position_id: uuid.UUID | None = None
    to_department_id: uuid.UUID | None = None
    to_manager_id: uuid.UUID | None = None
    effective_date: date
    reason: str = Field(min_length=1, max_length=2000)


class CareerMoveRead(BaseModel):
    """A promotion or rotation: its approval in workflow and whether org has taken it."""

    model_config = examples(
        {
            "id": ID,
            "employee_id": EMPLOYEE_ID,
            "kind": "promotion",
            "from_department_id": DEPARTMENT_ID,
            "to_position_id": POSITION_ID,
            "to_department_id": None,
            "to_manager_id": None,
            "effective_date": "2027-01-01",
            "reason": "年度考核S",
            "requester_employee_id": HEAD_ID,
            "status": "applied",
            "workflow_instance_id": ID,
            "decided_at": AT,
            "applied_at": AT,
            "org_error": None,
            "created_by": "user:harriet",
            **STAMPS,
        },
        read=True,
    )

    id: uuid.UUID
    employee_id: uuid.UUID
    kind: MoveKind
    from_department_id: uuid.UUID
    to_position_id: uuid.UUID | None
    to_department_id: uuid.UUID | None
    to_manager_id: uuid.UUID | None
    effective_date: date
    reason: str
    requester_employee_id: uuid.UUID
    status: MoveStatus
    workflow_instance_id: uuid.UUID | None
    decided_at: datetime | None
    applied_at: datetime | None
    org_error: str | None
    created_by: str | None
    created_at: datetime
    updated_at: datetime
    version: int


class CourseUpdate(BaseModel):
    """Fields of a course to change (``If-Match``); the code and kind stay."""

    model_config = examples({"cost_per_participant": "3500.00", "self_service": False})

    title: str | None = Field(default=None, min_length=1, max_length=200)
    provider: str | None = Field(default=None, max_length=200)
    hours: Hours | None = None
    cost_per_participant: Money | None = None
    self_service: bool | None = None
    description: str | None = Field(default=None, max_length=4000)


class CourseSessionUpdate(BaseModel):
    """Fields of a scheduled session to change (``If-Match``); ``cancelled`` gives every seat
    back, ``completed`` closes it."""

    model_config = examples(
        {"capacity": 40, "location": "总部5楼大会议室"}, {"status": "cancelled"}
    )

    starts_on: date | None = None
    ends_on: date | None = None
    location: str | None = Field(default=None, min_length=1, max_length=200)
    trainer: str | None = Field(default=None, max_length=200)
    capacity: int | None = Field(default=None, ge=1, le=10000)
    status: Literal["completed", "cancelled"] | None = None
