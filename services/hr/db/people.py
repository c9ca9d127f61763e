"""Models of recruitment (plans, postings, candidates, applications, interviews, checks, offers),
onboarding and labour contracts."""

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from services.hr.db.models import Base
from shared.kit.approvals import ApprovalRecord
from shared.kit.audit import Audited
from shared.kit.db import CreatedByMixin, IdMixin, TimestampMixin, VersionedMixin

MONEY = Numeric(14, 2)

# The pipeline, in order; ``rejected`` and ``withdrawn`` end an application at any stage.
STAGES = ("applied", "screening", "shortlisted", "interviewing", "offer", "hired")
CLOSED_STAGES = ("hired", "rejected", "withdrawn")
LIVE_OFFER = ("pending_approval", "approved", "accepted")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class PayBand(IdMixin, TimestampMixin, VersionedMixin, Audited, Base):
    """The monthly salary range of a grade; an offer above its maximum needs approval."""

    __tablename__ = "pay_bands"

    grade: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    minimum: Mapped[Decimal] = mapped_column(MONEY)
    maximum: Mapped[Decimal] = mapped_column(MONEY)
    currency: Mapped[str] = mapped_column(String(3), default="CNY")

    __table_args__ = (
        CheckConstraint("minimum >= 0 AND minimum <= maximum", name="range_in_order"),
    )


class HiringPlan(
    IdMixin, TimestampMixin, VersionedMixin, CreatedByMixin, ApprovalRecord, Audited, Base
):
    """A demand for people in one position, approved through workflow (``hiring``)."""

    __tablename__ = "hiring_plans"

    department_id: Mapped[uuid.UUID] = mapped_column(index=True)
    position: Mapped[str] = mapped_column(String(200))
    position_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    grade: Mapped[str | None] = mapped_column(String(20), default=None)
    headcount: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(2000))
    channels: Mapped[list[str]] = mapped_column(JSON, default=list)
    requirements: Mapped[str] = mapped_column(Text, default="")
    rounds: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    background_check_waived: Mapped[bool] = mapped_column(Boolean, default=False)
    requester_employee_id: Mapped[uuid.UUID]
    # pending | approved | rejected | cancelled | approval_refused | closed
    status: Mapped[str] = mapped_column(String(20), default="pending")
    workflow_instance_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    decided_at: Mapped[datetime | None] = mapped_column(default=None)

    __table_args__ = (
        CheckConstraint("headcount > 0", name="headcount_positive"),
        CheckConstraint(
            _in(
                "status",
                ("pending", "approved", "rejected", "cancelled", "approval_refused", "closed"),
            ),
            name="status",
        ),
    )


class JobPosting(IdMixin, TimestampMixin, VersionedMixin, CreatedByMixin, Audited, Base):
    """An approved plan's opening, published on some channels."""

    __tablename__ = "job_postings"

    hiring_plan_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("hiring_plans.id"), index=True)
    department_id: Mapped[uuid.UUID] = mapped_column(index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    channels: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(10), default="open")
    closed_at: Mapped[datetime | None] = mapped_column(default=None)

    __table_args__ = (CheckConstraint(_in("status", ("open", "closed")), name="status"),)


class Candidate(IdMixin, TimestampMixin, VersionedMixin, CreatedByMixin, Audited, Base):
    """A person who may be hired; the same e-mail or phone (normalised) is one candidate."""

    __tablename__ = "candidates"

    name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(254))
    email_key: Mapped[str] = mapped_column(String(254), unique=True)
    phone: Mapped[str | None] = mapped_column(String(40), default=None)
    phone_key: Mapped[str | None] = mapped_column(String(40), default=None, unique=True)
    resume_ref: Mapped[str | None] = mapped_column(String(500), default=None)
    source_channel: Mapped[str] = mapped_column(String(20))
    notes: Mapped[str] = mapped_column(String(2000), default="")


class Application(IdMixin, TimestampMixin, VersionedMixin, CreatedByMixin, Audited, Base):
    """A candidate's application to a posting, moving through the pipeline's stages."""

    __tablename__ = "applications"

    candidate_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("candidates.id"), index=True)
    job_posting_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("job_postings.id"), index=True)
    hiring_plan_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("hiring_plans.id"))
    department_id: Mapped[uuid.UUID] = mapped_column(index=True)
    stage: Mapped[str] = mapped_column(String(20), default="applied")
    closed_reason: Mapped[str | None] = mapped_column(String(500), default=None)
    stage_changed_at: Mapped[datetime]

    __table_args__ = (
        UniqueConstraint("candidate_id", "job_posting_id"),
        CheckConstraint(_in("stage", (*STAGES, "rejected", "withdrawn")), name="stage"),
        CheckConstraint(
            "stage NOT IN ('rejected', 'withdrawn') OR closed_reason IS NOT NULL",
            name="closed_with_reason",
        ),
    )


class Interview(IdMixin, TimestampMixin, VersionedMixin, CreatedByMixin, Audited, Base):
    """One round of interviews of an application (its interviewers are its scorecards)."""

    __tablename__ = "interviews"

    application_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("applications.id"), index=True)
    round: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20))
    scheduled_at: Mapped[datetime]
    duration_minutes: Mapped[int] = mapped_column(Integer, default=60)
    location: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(10), default="scheduled")

    __table_args__ = (
        UniqueConstraint("application_id", "round"),
        CheckConstraint(_in("status", ("scheduled", "completed", "cancelled")), name="status"),
        CheckConstraint("duration_minutes > 0", name="duration_positive"),
    )


class Scorecard(IdMixin, TimestampMixin, VersionedMixin, Audited, Base):
    """One interviewer's assessment of one round; hidden from the other interviewers until
    they have submitted their own."""

    __tablename__ = "scorecards"

    interview_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("interviews.id"), index=True)
    interviewer_id: Mapped[uuid.UUID] = mapped_column(index=True)
    recommendation: Mapped[str | None] = mapped_column(String(20), default=None)
    comments: Mapped[str] = mapped_column(String(2000), default="")
    submitted_at: Mapped[datetime | None] = mapped_column(default=None)

    __table_args__ = (
        UniqueConstraint("interview_id", "interviewer_id"),
        CheckConstraint(
            "submitted_at IS NULL OR recommendation IS NOT NULL", name="submitted_recommends"
        ),
    )


class ScorecardScore(IdMixin, Audited, Base):
    """A criterion's score (1 to 5) on a scorecard."""

    __tablename__ = "scorecard_scores"

    scorecard_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("scorecards.id", ondelete="CASCADE"), index=True
    )
    criterion: Mapped[str] = mapped_column(String(100))
    score: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(String(500), default="")

    __table_args__ = (
        UniqueConstraint("scorecard_id", "criterion"),
        CheckConstraint("score BETWEEN 1 AND 5", name="score_in_scale"),
    )


class BackgroundCheck(IdMixin, CreatedByMixin, Audited, Base):
    """A background check of an application's candidate; the latest one counts."""

    __tablename__ = "background_checks"

    application_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("applications.id"), index=True)
    checker: Mapped[str] = mapped_column(String(200))
    result: Mapped[str] = mapped_column(String(20))
    checked_on: Mapped[date]
    notes: Mapped[str] = mapped_column(String(2000), default="")
    created_at: Mapped[datetime]

    __table_args__ = (
        CheckConstraint(_in("result", ("passed", "failed", "inconclusive")), name="result"),
    )


class Offer(IdMixin, TimestampMixin, VersionedMixin, CreatedByMixin, ApprovalRecord, Audited, Base):
    """An offer to an application's candidate; above the grade's pay band it is approved
    through workflow first."""

    __tablename__ = "offers"

    application_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("applications.id"), index=True)
    candidate_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("candidates.id"))
    hiring_plan_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("hiring_plans.id"))
    department_id: Mapped[uuid.UUID]
    position: Mapped[str] = mapped_column(String(200))
    grade: Mapped[str] = mapped_column(String(20))
    salary: Mapped[Decimal] = mapped_column(MONEY)
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    band_maximum: Mapped[Decimal] = mapped_column(MONEY)
    above_band: Mapped[bool] = mapped_column(Boolean)
    start_date: Mapped[date]
    probation_months: Mapped[int] = mapped_column(Integer, default=0)
    # pending_approval | approved | rejected | approval_refused | accepted | declined | withdrawn
    status: Mapped[str] = mapped_column(String(20))
    workflow_instance_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    decided_at: Mapped[datetime | None] = mapped_column(default=None)
    responded_at: Mapped[datetime | None] = mapped_column(default=None)
    response_note: Mapped[str | None] = mapped_column(String(500), default=None)

    __table_args__ = (
        CheckConstraint("salary > 0", name="salary_positive"),
        CheckConstraint("probation_months BETWEEN 0 AND 6", name="probation_months"),
        CheckConstraint(
            _in(
                "status",
                (
                    "pending_approval",
                    "approved",
                    "rejected",
                    "approval_refused",
                    "accepted",
                    "declined",
                    "withdrawn",
                ),
            ),
            name="status",
        ),
        # one live offer per application
        Index(
            "ux_offers_live_application",
            "application_id",
            unique=True,
            postgresql_where=text(_in("status", LIVE_OFFER)),
            sqlite_where=text(_in("status", LIVE_OFFER)),
        ),
    )


class Onboarding(IdMixin, TimestampMixin, VersionedMixin, Audited, Base):
    """An accepted offer's way in: the checklist, and the employee hr creates in org (retried
    by a sweep until org answers; the Idempotency-Key is the offer's)."""

    __tablename__ = "onboardings"

    offer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("offers.id"), unique=True)
    candidate_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("candidates.id"))
    department_id: Mapped[uuid.UUID]
    manager_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    position_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40), default=None)
    employee_number: Mapped[str] = mapped_column(String(32), unique=True)
    employment_type: Mapped[str] = mapped_column(String(12), default="full_time")
    start_date: Mapped[date]
    employee_id: Mapped[uuid.UUID | None] = mapped_column(default=None, unique=True)
    # what org holds: none (not created yet) | onboarding | active
    org_status: Mapped[str] = mapped_column(String(12), default="none")
    org_attempts: Mapped[int] = mapped_column(Integer, default=0)
    org_error: Mapped[str | None] = mapped_column(String(500), default=None)
    org_retry_at: Mapped[datetime | None] = mapped_column(default=None, index=True)
    contract_signed_at: Mapped[datetime | None] = mapped_column(default=None)
    orientation_at: Mapped[datetime | None] = mapped_column(default=None)
    equipment_at: Mapped[datetime | None] = mapped_column(default=None)
    accounts_at: Mapped[datetime | None] = mapped_column(default=None)
    status: Mapped[str] = mapped_column(String(12), default="open")  # open | completed
    completed_at: Mapped[datetime | None] = mapped_column(default=None)

    __table_args__ = (
        CheckConstraint(_in("org_status", ("none", "onboarding", "active")), name="org_status"),
        CheckConstraint(_in("status", ("open", "completed")), name="status"),
    )


class LabourContract(IdMixin, TimestampMixin, VersionedMixin, CreatedByMixin, Audited, Base):
    """An employee's labour contract; at most one is in force on any day (the database holds
    it: an exclusion constraint on PostgreSQL, triggers on SQLite — migration 0004)."""

    __tablename__ = "labour_contracts"

    employee_id: Mapped[uuid.UUID] = mapped_column(index=True)
    kind: Mapped[str] = mapped_column(String(20))
    start_date: Mapped[date]
    end_date: Mapped[date | None] = mapped_column(default=None)
    probation_end_date: Mapped[date | None] = mapped_column(default=None)
    position: Mapped[str] = mapped_column(String(200))
    salary: Mapped[Decimal] = mapped_column(MONEY)
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    pay_basis: Mapped[str] = mapped_column(String(10), default="monthly")
    weekly_hours: Mapped[int] = mapped_column(Integer, default=40)
    # active | renewed (a later contract follows it) | terminated
    status: Mapped[str] = mapped_column(String(12), default="active")
    # the last day in force: the end date, or the termination date (null: open-ended)
    in_force_until: Mapped[date | None] = mapped_column(default=None)
    terminated_on: Mapped[date | None] = mapped_column(default=None)
    termination_reason: Mapped[str | None] = mapped_column(String(500), default=None)
    previous_contract_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("labour_contracts.id"), default=None, unique=True
    )
    fixed_term_sequence: Mapped[int] = mapped_column(Integer, default=0)
    override_reason: Mapped[str | None] = mapped_column(String(500), default=None)
    offer_id: Mapped[uuid.UUID | None] = mapped_column(default=None)

    __table_args__ = (
        Index("ix_labour_contracts_employee_dates", "employee_id", "start_date"),
        Index("ix_labour_contracts_until", "in_force_until"),
        CheckConstraint(
            _in("kind", ("fixed_term", "open_ended", "part_time", "internship")), name="kind"
        ),
        CheckConstraint(_in("status", ("active", "renewed", "terminated")), name="status"),
        CheckConstraint(_in("pay_basis", ("monthly", "hourly")), name="pay_basis"),
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="dates_in_order"),
        CheckConstraint(
            "probation_end_date IS NULL OR probation_end_date >= start_date",
            name="probation_after_start",
        ),
        CheckConstraint(
            "(kind <> 'open_ended' OR end_date IS NULL) AND "
            "(kind NOT IN ('fixed_term', 'internship') OR end_date IS NOT NULL)",
            name="end_date_by_kind",
        ),
        CheckConstraint("salary > 0", name="salary_positive"),
        CheckConstraint("fixed_term_sequence >= 0", name="sequence_not_negative"),
    )


class ContractAlert(IdMixin, Base):
    """One expiry alert of a contract (60 or 30 days before its end), sent once."""

    __tablename__ = "labour_contract_alerts"

    contract_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("labour_contracts.id"), index=True)
    days_before: Mapped[int] = mapped_column(Integer)
    outcome: Mapped[str] = mapped_column(String(12))  # delivered | skipped
    recipients: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime]

    __table_args__ = (
        UniqueConstraint("contract_id", "days_before"),
        CheckConstraint(_in("outcome", ("delivered", "skipped")), name="outcome"),
    )


class DemoSeed(Base):
    """Demo data waiting for what it needs from org's feed (``--demo``): planted by the
    reference loader, realised once hr knows org's demo people."""

    __tablename__ = "demo_seeds"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    state: Mapped[str] = mapped_column(String(10), default="pending")  # pending | done
    done_at: Mapped[datetime | None] = mapped_column(default=None)
