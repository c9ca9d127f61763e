"""Wire shapes of recruitment, onboarding and labour contracts."""

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator, model_validator

from shared.contracts.money import Money, MoneyUpTo

PlanStatus = Literal["pending", "approved", "rejected", "cancelled", "approval_refused", "closed"]
PostingStatus = Literal["open", "closed"]
Stage = Literal[
    "applied", "screening", "shortlisted", "interviewing", "offer", "hired", "rejected", "withdrawn"
]
MoveTo = Literal["screening", "shortlisted", "interviewing", "offer", "rejected", "withdrawn"]
SourceChannel = Literal[
    "referral", "job_board", "campus", "headhunter", "website", "social_media", "walk_in", "other"
]
RoundKind = Literal["department_head", "hr", "technical", "executive", "other"]
InterviewStatus = Literal["scheduled", "completed", "cancelled"]
Recommendation = Literal["strong_hire", "hire", "no_hire", "strong_no_hire"]
CheckResult = Literal["passed", "failed", "inconclusive"]
OfferStatus = Literal[
    "pending_approval",
    "approved",
    "rejected",
    "approval_refused",
    "accepted",
    "declined",
    "withdrawn",
]
OnboardingStatus = Literal["open", "completed"]
OrgStatus = Literal["none", "onboarding", "active"]
ChecklistItem = Literal[
    "labour_contract_signed", "orientation_training", "equipment_issued", "accounts_created"
]
ContractKind = Literal["fixed_term", "open_ended", "part_time", "internship"]
ContractStatus = Literal["active", "renewed", "terminated"]
PayBasis = Literal["monthly", "hourly"]
Currency = Literal["CNY"]

EMPLOYEE_ID = "0193a8c0-0000-7000-8000-0000000000e1"
HEAD_ID = "0193a8c0-0000-7000-8000-0000000000e2"
DEPARTMENT_ID = "0193a8c0-0000-7000-8000-0000000000d1"
PLAN_ID = "0193a8c0-0000-7000-8000-00000000c101"
POSTING_ID = "0193a8c0-0000-7000-8000-00000000c201"
CANDIDATE_ID = "0193a8c0-0000-7000-8000-00000000c301"
APPLICATION_ID = "0193a8c0-0000-7000-8000-00000000c401"
INTERVIEW_ID = "0193a8c0-0000-7000-8000-00000000c501"
SCORECARD_ID = "0193a8c0-0000-7000-8000-00000000c601"
CHECK_ID = "0193a8c0-0000-7000-8000-00000000c701"
OFFER_ID = "0193a8c0-0000-7000-8000-00000000c801"
ONBOARDING_ID = "0193a8c0-0000-7000-8000-00000000c901"
CONTRACT_ID = "0193a8c0-0000-7000-8000-00000000ca01"
INSTANCE_ID = "0193a8c0-0000-7000-8000-00000000a101"
AT = "2026-11-20T08:30:00Z"
STAMPS: dict[str, Any] = {"created_at": AT, "updated_at": AT, "version": 2}


def examples(*values: dict[str, Any], read: bool = False) -> ConfigDict:
    """A model config with these examples (reads also build from ORM objects)."""
    extra: dict[str, Any] = {"examples": list(values)}
    if read:
        return ConfigDict(from_attributes=True, json_schema_extra=extra)
    return ConfigDict(extra="forbid", json_schema_extra=extra)


class Reason(BaseModel):
    """Why (closing, cancelling, declining, withdrawing)."""

    model_config = examples({"reason": "岗位需求取消"})

    reason: str = Field(min_length=1, max_length=500)


# ---- pay bands -------------------------------------------------------------------------------

BAND_EXAMPLE = {"grade": "P5", "name": "高级工程师", "minimum": "18000.00", "maximum": "28000.00"}


class PayBandRead(BaseModel):
    """A grade's monthly salary range."""

    model_config = examples(
        {"id": CHECK_ID, **BAND_EXAMPLE, "currency": "CNY", **STAMPS}, read=True
    )

    id: uuid.UUID
    grade: str
    name: str
    minimum: Money
    maximum: Money
    currency: Currency
    created_at: datetime
    updated_at: datetime
    version: int


BandAmount = Annotated[Decimal, MoneyUpTo(11)]
Salary = Annotated[Decimal, MoneyUpTo(11, above_zero=True)]


class PayBandUpdate(BaseModel):
    """New bounds of a grade's band."""

    model_config = examples({"minimum": "19000.00", "maximum": "30000.00"})

    name: str | None = Field(default=None, min_length=1, max_length=100)
    minimum: BandAmount | None = None
    maximum: BandAmount | None = None


# ---- hiring plans ----------------------------------------------------------------------------

ROUNDS_EXAMPLE = [
    {"name": "部门负责人面试", "kind": "department_head"},
    {"name": "人力资源面试", "kind": "hr"},
]


class PlannedRound(BaseModel):
    """One interview round the plan foresees."""

    model_config = examples(ROUNDS_EXAMPLE[0])

    name: str = Field(min_length=1, max_length=100)
    kind: RoundKind


class HiringPlanCreate(BaseModel):
    """A demand for people in one position (approved through workflow's ``hiring``)."""

    model_config = examples(
        {
            "department_id": DEPARTMENT_ID,
            "position": "高级后端工程师",
            "grade": "P5",
            "headcount": 2,
            "reason": "新产品线扩张",
            "channels": ["job_board", "referral"],
            "requirements": "5 年以上 Python 经验",
            "rounds": ROUNDS_EXAMPLE,
            "background_check_waived": False,
        }
    )

    department_id: uuid.UUID
    position: str = Field(min_length=1, max_length=200)
    position_id: uuid.UUID | None = Field(default=None, description="org's position, if any.")
    grade: str | None = Field(default=None, min_length=1, max_length=20)
    headcount: int = Field(ge=1, le=1000)
    reason: str = Field(min_length=1, max_length=2000)
    channels: list[SourceChannel] = Field(default_factory=list, max_length=8)
    requirements: str = Field(default="", max_length=10000)
    rounds: list[PlannedRound] = Field(
        default_factory=list,
        max_length=10,
        description="Interview rounds in order; by default a department head round and an HR round.",
    )
    background_check_waived: bool = False

    @field_validator("rounds")
    @classmethod
    def _distinct(cls, rounds: list[PlannedRound]) -> list[PlannedRound]:
        if len({r.name for r in rounds}) != len(rounds):
            raise ValueError("round names must differ")
        return rounds


class HiringPlanRead(BaseModel):
    """A hiring plan and its approval."""

    model_config = examples(
        {
            "id": PLAN_ID,
            "department_id": DEPARTMENT_ID,
            "position": "高级后端工程师",
            "position_id": None,
            "grade": "P5",
            "headcount": 2,
            "reason": "新产品线扩张",
            "channels": ["job_board", "referral"],
            "requirements": "5 年以上 Python 经验",
            "rounds": ROUNDS_EXAMPLE,
            "background_check_waived": False,
            "requester_employee_id": HEAD_ID,
            "status": "approved",
            "workflow_instance_id": INSTANCE_ID,
            "decided_at": AT,
            "created_by": "user:li.head",
            **STAMPS,
        },
        read=True,
    )

    id: uuid.UUID
    department_id: uuid.UUID
    position: str
    position_id: uuid.UUID | None
    grade: str | None
    headcount: int
    reason: str
    channels: list[SourceChannel]
    requirements: str
    rounds: list[PlannedRound]
    background_check_waived: bool
    requester_employee_id: uuid.UUID
    status: PlanStatus
    workflow_instance_id: uuid.UUID | None
    decided_at: datetime | None
    created_by: str | None
    created_at: datetime
    updated_at: datetime
    version: int


# ---- postings --------------------------------------------------------------------------------


class JobPostingCreate(BaseModel):
    """Publish an approved plan's opening (title, text and channels default to the plan's)."""

    model_config = examples(
        {"hiring_plan_id": PLAN_ID, "title": "高级后端工程师（上海）", "channels": ["job_board"]}
    )

    hiring_plan_id: uuid.UUID
    title: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=10000)
    channels: list[SourceChannel] | None = Field(default=None, max_length=8)


class JobPostingRead(BaseModel):
    """A published opening."""

    model_config = examples(
        {
            "id": POSTING_ID,
            "hiring_plan_id": PLAN_ID,
            "department_id": DEPARTMENT_ID,
            "title": "高级后端工程师（上海）",
            "description": "5 年以上 Python 经验",
            "channels": ["job_board"],
            "status": "open",
            "closed_at": None,
            **STAMPS,
        },
        read=True,
    )

    id: uuid.UUID
    hiring_plan_id: uuid.UUID
    department_id: uuid.UUID
    title: str
    description: str
    channels: list[SourceChannel]
    status: PostingStatus
    closed_at: datetime | None
    created_at: datetime
    updated_at: datetime
    version: int


# ---- candidates ------------------------------------------------------------------------------

CANDIDATE_EXAMPLE: dict[str, Any] = {
    "name": "周杰",
    "email": "zhou.jie@example.com",
    "phone": "+86 138 0000 1234",
    "resume_ref": "files/resumes/zhou-jie.pdf",
    "source_channel": "job_board",
    "notes": "",
}


class CandidateCreate(BaseModel):
    """A candidate; the e-mail address and phone (normalised) must be new."""

    model_config = examples(CANDIDATE_EXAMPLE)

    name: str = Field(min_length=1, max_length=100)
    email: EmailStr = Field(max_length=254)
    phone: str | None = Field(default=None, min_length=3, max_length=40, pattern=r"^[0-9+()\- ]+$")
    resume_ref: str | None = Field(
        default=None, max_length=500, description="Where the résumé file is kept."
    )
    source_channel: SourceChannel
    notes: str = Field(default="", max_length=2000)


class CandidateUpdate(BaseModel):
    """Changed details of a candidate."""

    model_config = examples({"phone": "13800001234", "resume_ref": "files/resumes/zhou-jie-v2.pdf"})

    name: str | None = Field(default=None, min_length=1, max_length=100)
    email: EmailStr | None = Field(default=None, max_length=254)
    phone: str | None = Field(default=None, min_length=3, max_length=40, pattern=r"^[0-9+()\- ]+$")
    resume_ref: str | None = Field(default=None, max_length=500)
    source_channel: SourceChannel | None = None
    notes: str | None = Field(default=None, max_length=2000)


class CandidateRead(BaseModel):
    """A candidate."""

    model_config = examples(
        {"id": CANDIDATE_ID, **CANDIDATE_EXAMPLE, "created_by": "user:hanna.hr", **STAMPS},
        read=True,
    )

    id: uuid.UUID
    name: str
    email: str
    phone: str | None
    resume_ref: str | None
    source_channel: SourceChannel
    notes: str
    created_by: str | None
    created_at: datetime
    updated_at: datetime
    version: int


# ---- applications ----------------------------------------------------------------------------


class ApplicationCreate(BaseModel):
    """A candidate applies to an open posting."""

    model_config = examples({"candidate_id": CANDIDATE_ID, "job_posting_id": POSTING_ID})

    candidate_id: uuid.UUID
    job_posting_id: uuid.UUID


class StageChange(BaseModel):
    """The next stage, or ``rejected``/``withdrawn`` with a reason."""

    model_config = examples({"stage": "screening"}, {"stage": "rejected", "reason": "经验不足"})

    stage: MoveTo
    reason: str | None = Field(default=None, min_length=1, max_length=500)


class ApplicationRead(BaseModel):
    """An application and where it stands."""

    model_config = examples(
        {
            "id": APPLICATION_ID,
            "candidate_id": CANDIDATE_ID,
            "job_posting_id": POSTING_ID,
            "hiring_plan_id": PLAN_ID,
            "department_id": DEPARTMENT_ID,
            "stage": "interviewing",
            "closed_reason": None,
            "stage_changed_at": AT,
            **STAMPS,
        },
        read=True,
    )

    id: uuid.UUID
    candidate_id: uuid.UUID
    job_posting_id: uuid.UUID
    hiring_plan_id: uuid.UUID
    department_id: uuid.UUID
    stage: Stage
    closed_reason: str | None
    stage_changed_at: datetime
    created_at: datetime
    updated_at: datetime
    version: int


# ---- interviews and scorecards ---------------------------------------------------------------


class InterviewCreate(BaseModel):
    """Schedule one of the plan's rounds with its interviewers."""

    model_config = examples(
        {
            "application_id": APPLICATION_ID,
            "round": "部门负责人面试",
            "scheduled_at": "2026-11-25T06:00:00Z",
            "duration_minutes": 60,
            "location": "上海 3 号会议室",
            "interviewer_ids": [HEAD_ID],
        }
    )

    application_id: uuid.UUID
    round: str = Field(min_length=1, max_length=100)
    scheduled_at: datetime
    duration_minutes: int = Field(default=60, ge=5, le=600)
    location: str = Field(default="", max_length=200)
    interviewer_ids: list[uuid.UUID] = Field(min_length=1, max_length=10)

    @field_validator("scheduled_at")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("give the time with its offset (RFC 3339)")
        return value


class InterviewRead(BaseModel):
    """An interview round."""

    model_config = examples(
        {
            "id": INTERVIEW_ID,
            "application_id": APPLICATION_ID,
            "round": "部门负责人面试",
            "kind": "department_head",
            "scheduled_at": "2026-11-25T06:00:00Z",
            "duration_minutes": 60,
            "location": "上海 3 号会议室",
            "status": "scheduled",
            "interviewer_ids": [HEAD_ID],
            **STAMPS,
        }
    )

    id: uuid.UUID
    application_id: uuid.UUID
    round: str
    kind: RoundKind
    scheduled_at: datetime
    duration_minutes: int
    location: str
    status: InterviewStatus
    interviewer_ids: list[uuid.UUID]
    created_at: datetime
    updated_at: datetime
    version: int


class Score(BaseModel):
    """A criterion scored 1 (poor) to 5 (excellent)."""

    model_config = examples({"criterion": "系统设计", "score": 4, "comment": "思路清晰"})

    criterion: str = Field(min_length=1, max_length=100)
    score: int = Field(ge=1, le=5)
    comment: str = Field(default="", max_length=500)


SCORES_EXAMPLE = [
    {"criterion": "系统设计", "score": 4, "comment": "思路清晰"},
    {"criterion": "沟通", "score": 5, "comment": ""},
]


def _distinct_criteria(scores: list[Score] | None) -> list[Score] | None:
    if scores is not None and len({s.criterion for s in scores}) != len(scores):
        raise ValueError("each criterion is scored once")
    return scores


class ScorecardDraft(BaseModel):
    """The caller's scorecard so far (replaces the scores given before)."""

    model_config = examples({"scores": SCORES_EXAMPLE, "recommendation": "hire"})

    scores: list[Score] | None = Field(default=None, max_length=30)
    recommendation: Recommendation | None = None
    comments: str | None = Field(default=None, max_length=2000)

    _criteria = field_validator("scores")(_distinct_criteria)


class ScorecardSubmit(BaseModel):
    """The caller's final scorecard."""

    model_config = examples(
        {"scores": SCORES_EXAMPLE, "recommendation": "hire", "comments": "建议录用"}
    )

    scores: list[Score] = Field(min_length=1, max_length=30)
    recommendation: Recommendation
    comments: str = Field(default="", max_length=2000)

    _criteria = field_validator("scores")(_distinct_criteria)


class ScorecardRead(BaseModel):
    """An interviewer's scorecard; ``scores``, ``recommendation`` and ``comments`` are null
    while the caller may not see them (someone else's draft, or before the caller submitted
    their own)."""

    model_config = examples(
        {
            "id": SCORECARD_ID,
            "interview_id": INTERVIEW_ID,
            "interviewer_id": HEAD_ID,
            "submitted": True,
            "submitted_at": AT,
            "visible": True,
            "scores": SCORES_EXAMPLE,
            "recommendation": "hire",
            "comments": "建议录用",
            "version": 3,
        }
    )

    id: uuid.UUID
    interview_id: uuid.UUID
    interviewer_id: uuid.UUID
    submitted: bool
    submitted_at: datetime | None
    visible: bool
    scores: list[Score] | None
    recommendation: Recommendation | None
    comments: str | None
    version: int


# ---- background checks -----------------------------------------------------------------------


class BackgroundCheckCreate(BaseModel):
    """A background check's result."""

    model_config = examples(
        {
            "checker": "上海诚信背调有限公司",
            "result": "passed",
            "checked_on": "2026-11-22",
            "notes": "学历、前雇主核实无误",
        }
    )

    checker: str = Field(min_length=1, max_length=200)
    result: CheckResult
    checked_on: date
    notes: str = Field(default="", max_length=2000)


class BackgroundCheckRead(BaseModel):
    """A recorded background check."""

    model_config = examples(
        {
            "id": CHECK_ID,
            "application_id": APPLICATION_ID,
            "checker": "上海诚信背调有限公司",
            "result": "passed",
            "checked_on": "2026-11-22",
            "notes": "学历、前雇主核实无误",
            "created_by": "user:hanna.hr",
            "created_at": AT,
        },
        read=True,
    )

    id: uuid.UUID
    application_id: uuid.UUID
    checker: str
    result: CheckResult
    checked_on: date
    notes: str
    created_by: str | None
    created_at: datetime


# ---- offers ----------------------------------------------------------------------------------


class OfferCreate(BaseModel):
    """An offer; above the grade's pay band it is approved through workflow first."""

    model_config = examples(
        {
            "application_id": APPLICATION_ID,
            "position": "高级后端工程师",
            "grade": "P5",
            "salary": "26000.00",
            "currency": "CNY",
            "start_date": "2026-12-07",
            "probation_months": 3,
        }
    )

    application_id: uuid.UUID
    position: str | None = Field(default=None, min_length=1, max_length=200)
    grade: str = Field(min_length=1, max_length=20)
    salary: Salary = Field(description="Monthly, before tax.")
    currency: Currency = "CNY"
    start_date: date
    probation_months: int = Field(default=0, ge=0, le=6)


class OfferAccept(BaseModel):
    """The candidate's acceptance (recorded by HR); the new employee's number in org defaults
    to one derived from the offer."""

    model_config = examples({"employee_number": "E2026-118", "note": "电话确认接受"})

    employee_number: str | None = Field(default=None, min_length=1, max_length=32)
    note: str | None = Field(default=None, max_length=500)


class OfferRead(BaseModel):
    """An offer and its approval."""

    model_config = examples(
        {
            "id": OFFER_ID,
            "application_id": APPLICATION_ID,
            "candidate_id": CANDIDATE_ID,
            "hiring_plan_id": PLAN_ID,
            "department_id": DEPARTMENT_ID,
            "position": "高级后端工程师",
            "grade": "P5",
            "salary": "26000.00",
            "currency": "CNY",
            "band_maximum": "28000.00",
            "above_band": False,
            "start_date": "2026-12-07",
            "probation_months": 3,
            "status": "approved",
            "workflow_instance_id": None,
            "decided_at": AT,
            "responded_at": None,
            "response_note": None,
            "created_by": "user:hanna.hr",
            **STAMPS,
        },
        read=True,
    )

    id: uuid.UUID
    application_id: uuid.UUID
    candidate_id: uuid.UUID
    hiring_plan_id: uuid.UUID
    department_id: uuid.UUID
    position: str
    grade: str
    salary: Money
    currency: Currency
    band_maximum: Money
    above_band: bool
    start_date: date
    probation_months: int
    status: OfferStatus
    workflow_instance_id: uuid.UUID | None
    decided_at: datetime | None
    responded_at: datetime | None
    response_note: str | None
    created_by: str | None
    created_at: datetime
    updated_at: datetime
    version: int


# ---- onboarding ------------------------------------------------------------------------------


class ChecklistUpdate(BaseModel):
    """Checklist items done (true) or not done (false); items left out stay as they are."""

    model_config = examples({"orientation_training": True, "equipment_issued": True})

    labour_contract_signed: bool | None = None
    orientation_training: bool | None = None
    equipment_issued: bool | None = None
    accounts_created: bool | None = None

    @model_validator(mode="after")
    def _something(self) -> "ChecklistUpdate":
        if not self.model_dump(exclude_none=True):
            raise ValueError("name at least one checklist item")
        return self


class ChecklistEntry(BaseModel):
    """One checklist item and when it was done."""

    model_config = examples({"item": "orientation_training", "done": True, "done_at": AT})

    item: ChecklistItem
    done: bool
    done_at: datetime | None


class OnboardingRead(BaseModel):
    """A new hire's onboarding: the checklist and where org stands."""

    model_config = examples(
        {
            "id": ONBOARDING_ID,
            "offer_id": OFFER_ID,
            "candidate_id": CANDIDATE_ID,
            "department_id": DEPARTMENT_ID,
            "name": "周杰",
            "employee_number": "N3F2A9C01B2",
            "start_date": "2026-12-07",
            "employee_id": EMPLOYEE_ID,
            "org_status": "onboarding",
            "org_error": None,
            "status": "open",
            "checklist": [
                {"item": "labour_contract_signed", "done": True, "done_at": AT},
                {"item": "orientation_training", "done": False, "done_at": None},
                {"item": "equipment_issued", "done": False, "done_at": None},
                {"item": "accounts_created", "done": False, "done_at": None},
            ],
            "completed_at": None,
            **STAMPS,
        }
    )

    id: uuid.UUID
    offer_id: uuid.UUID
    candidate_id: uuid.UUID
    department_id: uuid.UUID
    name: str
    employee_number: str
    start_date: date
    employee_id: uuid.UUID | None = Field(description="Null until org has created the employee.")
    org_status: OrgStatus
    org_error: str | None
    status: OnboardingStatus
    checklist: list[ChecklistEntry]
    completed_at: datetime | None
    created_at: datetime
    updated_at: datetime
    version: int


# ---- labour contracts ------------------------------------------------------------------------

CONTRACT_EXAMPLE: dict[str, Any] = {
    "employee_id": EMPLOYEE_ID,
    "kind": "fixed_term",
    "start_date": "2026-12-07",
    "end_date": "2029-12-06",
    "probation_end_date": "2027-03-06",
    "position": "高级后端工程师",
    "salary": "26000.00",
    "pay_basis": "monthly",
    "weekly_hours": 40,
}


class LabourContractCreate(BaseModel):
    """A contract with its terms (fixed-term and internship contracts end; open-ended do not)."""

    model_config = examples(CONTRACT_EXAMPLE)

    employee_id: uuid.UUID
    kind: ContractKind
    start_date: date
    end_date: date | None = None
    probation_end_date: date | None = None
    position: str = Field(min_length=1, max_length=200)
    salary: Salary = Field(description="Per month, or per hour when hourly.")
    currency: Currency = "CNY"
    pay_basis: PayBasis = "monthly"
    weekly_hours: int = Field(default=40, ge=1, le=60)


class LabourContractRenew(BaseModel):
    """The contract that follows (terms left out are the previous one's; it starts the day after
    the previous one ends unless given)."""

    model_config = examples(
        {"kind": "fixed_term", "end_date": "2032-12-06", "salary": "30000.00"},
        {
            "kind": "fixed_term",
            "end_date": "2030-12-06",
            "override_reason": "员工书面要求订立固定期限合同",
        },
    )

    kind: ContractKind
    start_date: date | None = None
    end_date: date | None = None
    probation_end_date: date | None = None
    position: str | None = Field(default=None, min_length=1, max_length=200)
    salary: Salary | None = None
    pay_basis: PayBasis | None = None
    weekly_hours: int | None = Field(default=None, ge=1, le=60)
    override_reason: str | None = Field(
        default=None,
        min_length=1,
        max_length=500,
        description="Why a third fixed-term contract in a row is signed anyway (Art. 14).",
    )


class LabourContractTerminate(BaseModel):
    """The last day of the contract and why."""

    model_config = examples({"terminated_on": "2027-06-30", "reason": "协商一致解除"})

    terminated_on: date
    reason: str = Field(min_length=1, max_length=500)


class LabourContractRead(BaseModel):
    """A labour contract; ``open_ended_required_next`` says the next contract must be open-ended
    (two fixed-term contracts in a row, Art. 14)."""

    model_config = examples(
        {
            "id": CONTRACT_ID,
            **CONTRACT_EXAMPLE,
            "currency": "CNY",
            "status": "active",
            "in_force_until": "2029-12-06",
            "terminated_on": None,
            "termination_reason": None,
            "previous_contract_id": None,
            "fixed_term_sequence": 1,
            "open_ended_required_next": False,
            "override_reason": None,
            "created_by": "user:hanna.hr",
            **STAMPS,
        },
        read=True,
    )

    id: uuid.UUID
    employee_id: uuid.UUID
    kind: ContractKind
    start_date: date
    end_date: date | None
    probation_end_date: date | None
    position: str
    salary: Money
    currency: Currency
    pay_basis: PayBasis
    weekly_hours: int
    status: ContractStatus
    in_force_until: date | None
    terminated_on: date | None
    termination_reason: str | None
    previous_contract_id: uuid.UUID | None
    fixed_term_sequence: int
    open_ended_required_next: bool
    override_reason: str | None
    created_by: str | None
    created_at: datetime
    updated_at: datetime
    version: int

    @model_validator(mode="before")
    @classmethod
    def _flag(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return value
        return {
            **{name: getattr(value, name) for name in cls.model_fields if hasattr(value, name)},
            "open_ended_required_next": getattr(value, "fixed_term_sequence", 0) >= 2,
        }
