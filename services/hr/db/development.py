"""Models of performance (KPI templates, grade bands, review cycles, reviews, improvement plans),
training (plans, courses, sessions, enrolments) and the suggestion box."""

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
)
from sqlalchemy.orm import Mapped, mapped_column

from services.hr.db.models import Base
from shared.kit.approvals import ApprovalRecord
from shared.kit.audit import Audited
from shared.kit.db import CreatedByMixin, IdMixin, TimestampMixin, VersionedMixin

MONEY = Numeric(14, 2)
SCORE = Numeric(6, 2)
COEFFICIENT = Numeric(5, 2)

SCORING_METHODS = ("numeric_scale", "achievement_percentage", "pass_fail")
CYCLE_PERIODS = ("monthly", "quarterly", "annual")
REVIEW_STATUSES = ("self_assessment", "manager_review", "reviewed", "finalized")
PLAN_OUTCOMES = ("open", "completed", "extended", "failed")
COURSE_KINDS = ("internal", "external_expert", "external_seminar")
ENROLMENT_STATUSES = ("enrolled", "attended", "completed", "no_show", "cancelled")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


# ---- performance ------------------------------------------------------------------------------


class KpiTemplate(IdMixin, TimestampMixin, VersionedMixin, CreatedByMixin, Audited, Base):
    """The indicators a position's or a department's people are reviewed on; weights sum to 100."""

    __tablename__ = "kpi_templates"

    name: Mapped[str] = mapped_column(String(200))
    department_id: Mapped[uuid.UUID | None] = mapped_column(default=None, index=True)
    position: Mapped[str | None] = mapped_column(String(200), default=None)
    # [{"name", "weight", "target", "method", "scale_max"}]
    indicators: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    __table_args__ = (
        CheckConstraint("department_id IS NOT NULL OR position IS NOT NULL", name="has_scope"),
    )


class GradeBand(IdMixin, TimestampMixin, VersionedMixin, Audited, Base):
    """A final grade: the lowest score that earns it and the performance coefficient payroll
    applies to it."""

    __tablename__ = "grade_bands"

    grade: Mapped[str] = mapped_column(String(2), unique=True)
    min_score: Mapped[Decimal] = mapped_column(SCORE)
    coefficient: Mapped[Decimal] = mapped_column(COEFFICIENT)
    below_target: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (
        CheckConstraint("min_score >= 0 AND min_score <= 120", name="min_score_range"),
        CheckConstraint("coefficient >= 0 AND coefficient <= 5", name="coefficient_range"),
    )


class ReviewCycle(IdMixin, TimestampMixin, VersionedMixin, CreatedByMixin, Audited, Base):
    """A review period; opening it opens a review for every active employee in scope."""

    __tablename__ = "review_cycles"

    name: Mapped[str] = mapped_column(String(200))
    period: Mapped[str] = mapped_column(String(10))
    start_date: Mapped[date]
    end_date: Mapped[date]
    department_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    # open | closed
    status: Mapped[str] = mapped_column(String(10), default="open")
    closed_at: Mapped[datetime | None] = mapped_column(default=None)

    __table_args__ = (
        CheckConstraint(_in("period", CYCLE_PERIODS), name="period"),
        CheckConstraint(_in("status", ("open", "closed")), name="status"),
        CheckConstraint("end_date >= start_date", name="dates_in_order"),
    )


class Review(IdMixin, TimestampMixin, VersionedMixin, Audited, Base):
    """One employee's review in a cycle: self-assessment, the head's review, HR's calibration,
    then the final grade and its coefficient (what payroll reads)."""

    __tablename__ = "reviews"

    cycle_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("review_cycles.id"), index=True)
    employee_id: Mapped[uuid.UUID] = mapped_column(index=True)
    department_id: Mapped[uuid.UUID] = mapped_column(index=True)
    template_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("kpi_templates.id"), default=None
    )
    indicators: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(16), default="self_assessment")
    self_scores: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON, default=None)
    self_comment: Mapped[str | None] = mapped_column(String(2000), default=None)
    self_score: Mapped[Decimal | None] = mapped_column(SCORE, default=None)
    manager_scores: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON, default=None)
    manager_comment: Mapped[str | None] = mapped_column(String(2000), default=None)
    reviewer_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    score: Mapped[Decimal | None] = mapped_column(SCORE, default=None)
    calibrated_score: Mapped[Decimal | None] = mapped_column(SCORE, default=None)
    calibration_reason: Mapped[str | None] = mapped_column(String(500), default=None)
    final_score: Mapped[Decimal | None] = mapped_column(SCORE, default=None)
    grade: Mapped[str | None] = mapped_column(String(2), default=None)
    coefficient: Mapped[Decimal | None] = mapped_column(COEFFICIENT, default=None)
    below_target: Mapped[bool] = mapped_column(Boolean, default=False)
    finalized_at: Mapped[datetime | None] = mapped_column(default=None)

    __table_args__ = (
        UniqueConstraint("cycle_id", "employee_id"),
        CheckConstraint(_in("status", REVIEW_STATUSES), name="status"),
        CheckConstraint(
            "status <> 'finalized' OR (final_score IS NOT NULL AND grade IS NOT NULL "
            "AND coefficient IS NOT NULL)",
            name="finalized_has_grade",
        ),
        CheckConstraint(
            "calibrated_score IS NULL OR calibration_reason IS NOT NULL", name="calibration_reason"
        ),
    )


class ImprovementPlan(IdMixin, TimestampMixin, VersionedMixin, CreatedByMixin, Audited, Base):
    """A performance improvement plan for someone below target."""

    __tablename__ = "improvement_plans"

    employee_id: Mapped[uuid.UUID] = mapped_column(index=True)
    department_id: Mapped[uuid.UUID] = mapped_column(index=True)
    manager_id: Mapped[uuid.UUID | None] = mapped_column(default=None, index=True)
    review_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("reviews.id"), default=None)
    goals: Mapped[list[str]] = mapped_column(JSON, default=list)
    start_date: Mapped[date]
    review_date: Mapped[date]
    status: Mapped[str] = mapped_column(String(10), default="open")
    outcome_note: Mapped[str | None] = mapped_column(String(2000), default=None)
    decided_at: Mapped[datetime | None] = mapped_column(default=None)

    __table_args__ = (
        CheckConstraint(_in("status", PLAN_OUTCOMES), name="status"),
        CheckConstraint("review_date >= start_date", name="dates_in_order"),
    )


class CheckIn(IdMixin, TimestampMixin, CreatedByMixin, Audited, Base):
    """A coaching check-in of an improvement plan."""

    __tablename__ = "improvement_check_ins"

    plan_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("improvement_plans.id"), index=True)
    held_on: Mapped[date]
    notes: Mapped[str] = mapped_column(String(4000))
    progress: Mapped[str] = mapped_column(String(12))

    __table_args__ = (
        CheckConstraint(_in("progress", ("on_track", "at_risk", "off_track")), name="progress"),
    )


# ---- training ---------------------------------------------------------------------------------


class TrainingPlan(IdMixin, TimestampMixin, VersionedMixin, CreatedByMixin, Audited, Base):
    """A year's training plan: which positions need which courses."""

    __tablename__ = "training_plans"

    year: Mapped[int] = mapped_column(Integer, unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # [{"position", "course_id", "headcount"}]
    needs: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    budget: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0.00"))

    __table_args__ = (CheckConstraint("budget >= 0", name="budget_not_negative"),)


class Course(IdMixin, TimestampMixin, VersionedMixin, CreatedByMixin, Audited, Base):
    """A course: internal, by an external expert, or an external seminar."""

    __tablename__ = "courses"

    code: Mapped[str] = mapped_column(String(32), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    provider: Mapped[str | None] = mapped_column(String(200), default=None)
    hours: Mapped[Decimal] = mapped_column(Numeric(6, 1))
    cost_per_participant: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0.00"))
    self_service: Mapped[bool] = mapped_column(Boolean, default=False)
    description: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (
        CheckConstraint(_in("kind", COURSE_KINDS), name="kind"),
        CheckConstraint("hours > 0", name="hours_positive"),
        CheckConstraint("cost_per_participant >= 0", name="cost_not_negative"),
    )


class CourseSession(IdMixin, TimestampMixin, VersionedMixin, Audited, Base):
    """A course's session; ``enrolled`` never passes ``capacity`` (a check constraint, updated
    under a row lock)."""

    __tablename__ = "course_sessions"

    course_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("courses.id"), index=True)
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    location: Mapped[str] = mapped_column(String(200))
    trainer: Mapped[str | None] = mapped_column(String(200), default=None)
    capacity: Mapped[int] = mapped_column(Integer)
    enrolled: Mapped[int] = mapped_column(Integer, default=0)
    # scheduled | completed | cancelled
    status: Mapped[str] = mapped_column(String(10), default="scheduled")

    __table_args__ = (
        CheckConstraint("capacity > 0", name="capacity_positive"),
        CheckConstraint("enrolled >= 0 AND enrolled <= capacity", name="within_capacity"),
        CheckConstraint("ends_on >= starts_on", name="dates_in_order"),
        CheckConstraint(_in("status", ("scheduled", "completed", "cancelled")), name="status"),
    )


class Enrolment(IdMixin, TimestampMixin, VersionedMixin, CreatedByMixin, Audited, Base):
    """An employee in a session, to completion and its effectiveness evaluation."""

    __tablename__ = "enrolments"

    session_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("course_sessions.id"), index=True)
    course_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("courses.id"), index=True)
    employee_id: Mapped[uuid.UUID] = mapped_column(index=True)
    status: Mapped[str] = mapped_column(String(10), default="enrolled")
    completed_on: Mapped[date | None] = mapped_column(default=None)
    participant_rating: Mapped[int | None] = mapped_column(Integer, default=None)
    participant_feedback: Mapped[str | None] = mapped_column(String(2000), default=None)
    manager_rating: Mapped[int | None] = mapped_column(Integer, default=None)
    manager_assessment: Mapped[str | None] = mapped_column(String(2000), default=None)

    __table_args__ = (
        UniqueConstraint("session_id", "employee_id"),
        CheckConstraint(_in("status", ENROLMENT_STATUSES), name="status"),
        CheckConstraint(
            "participant_rating IS NULL OR participant_rating BETWEEN 1 AND 5",
            name="participant_rating",
        ),
        CheckConstraint(
            "manager_rating IS NULL OR manager_rating BETWEEN 1 AND 5", name="manager_rating"
        ),
        Index("ix_enrolments_employee_status", "employee_id", "status"),
    )


# ---- employee relations -----------------------------------------------------------------------


class Suggestion(IdMixin, TimestampMixin, VersionedMixin, Audited, Base):
    """A suggestion in the box. An anonymous one holds no employee or account id: its submitter
    follows the answer with a receipt token of which only the hash is kept."""

    __tablename__ = "suggestions"

    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(String(4000))
    category: Mapped[str] = mapped_column(String(20))
    anonymous: Mapped[bool] = mapped_column(Boolean)
    # null when anonymous
    submitter_employee_id: Mapped[uuid.UUID | None] = mapped_column(default=None, index=True)
    receipt_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # received | answered
    status: Mapped[str] = mapped_column(String(10), default="received")
    answer: Mapped[str | None] = mapped_column(String(4000), default=None)
    answered_at: Mapped[datetime | None] = mapped_column(default=None)

    __table_args__ = (
        CheckConstraint(
            "NOT anonymous OR submitter_employee_id IS NULL", name="anonymous_unlinked"
        ),
        CheckConstraint(_in("status", ("received", "answered")), name="status"),
    )


class ForumSession(IdMixin, TimestampMixin, VersionedMixin, CreatedByMixin, Audited, Base):
    """A staff forum session: agenda, attendees, and the minutes once held."""

    __tablename__ = "forum_sessions"

    title: Mapped[str] = mapped_column(String(200))
    held_on: Mapped[date]
    location: Mapped[str] = mapped_column(String(200))
    agenda: Mapped[list[str]] = mapped_column(JSON, default=list)
    attendee_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    minutes: Mapped[str | None] = mapped_column(Text, default=None)
    # planned | held | cancelled
    status: Mapped[str] = mapped_column(String(10), default="planned")

    __table_args__ = (
        CheckConstraint(_in("status", ("planned", "held", "cancelled")), name="status"),
    )


CASE_KINDS = ("complaint", "dispute")
CASE_STATUSES = ("open", "investigating", "resolved", "withdrawn")


class RelationsCase(IdMixin, TimestampMixin, VersionedMixin, CreatedByMixin, Audited, Base):
    """A complaint or a labour dispute; a confidential one is seen only by HR and its handlers."""

    __tablename__ = "relations_cases"

    kind: Mapped[str] = mapped_column(String(10), index=True)
    subject: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(String(4000))
    employee_id: Mapped[uuid.UUID | None] = mapped_column(default=None, index=True)
    confidential: Mapped[bool] = mapped_column(Boolean, default=False)
    handler_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    # other employees named to handle it (besides the handler)
    handler_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    # for disputes: mediation | arbitration | litigation
    forum: Mapped[str | None] = mapped_column(String(12), default=None)
    status: Mapped[str] = mapped_column(String(14), default="open")
    outcome: Mapped[str | None] = mapped_column(String(4000), default=None)
    resolved_at: Mapped[datetime | None] = mapped_column(default=None)

    __table_args__ = (
        CheckConstraint(_in("kind", CASE_KINDS), name="kind"),
        CheckConstraint(_in("status", CASE_STATUSES), name="status"),
        CheckConstraint("status <> 'resolved' OR outcome IS NOT NULL", name="resolved_has_outcome"),
    )


class DevelopmentPlan(IdMixin, TimestampMixin, VersionedMixin, CreatedByMixin, Audited, Base):
    """An individual development plan: goals for a year, and its reviews."""

    __tablename__ = "development_plans"

    employee_id: Mapped[uuid.UUID] = mapped_column(index=True)
    department_id: Mapped[uuid.UUID] = mapped_column(index=True)
    year: Mapped[int] = mapped_column(Integer)
    # [{"goal", "measure", "due", "status"}]
    goals: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # active | closed
    status: Mapped[str] = mapped_column(String(8), default="active")

    __table_args__ = (
        UniqueConstraint("employee_id", "year"),
        CheckConstraint(_in("status", ("active", "closed")), name="status"),
    )


class DevelopmentReview(IdMixin, TimestampMixin, CreatedByMixin, Audited, Base):
    """A review of a development plan's progress."""

    __tablename__ = "development_reviews"

    plan_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("development_plans.id"), index=True)
    reviewed_on: Mapped[date]
    notes: Mapped[str] = mapped_column(String(4000))


class CareerMove(
    IdMixin, TimestampMixin, VersionedMixin, CreatedByMixin, ApprovalRecord, Audited, Base
):
    """A promotion or a job rotation: approved through workflow (``general_request``), then
    applied to org (position, department, manager) through its API, exactly once."""

    __tablename__ = "career_moves"

    employee_id: Mapped[uuid.UUID] = mapped_column(index=True)
    kind: Mapped[str] = mapped_column(String(10))
    from_department_id: Mapped[uuid.UUID]
    to_department_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    to_position_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    to_manager_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    effective_date: Mapped[date]
    reason: Mapped[str] = mapped_column(String(2000))
    requester_employee_id: Mapped[uuid.UUID]
    # pending | approved | applied | rejected | cancelled | approval_refused | org_refused
    status: Mapped[str] = mapped_column(String(16), default="pending")
    workflow_instance_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    decided_at: Mapped[datetime | None] = mapped_column(default=None)
    org_retry_at: Mapped[datetime | None] = mapped_column(default=None, index=True)
    org_attempts: Mapped[int] = mapped_column(Integer, default=0)
    org_error: Mapped[str | None] = mapped_column(String(500), default=None)
    applied_at: Mapped[datetime | None] = mapped_column(default=None)

    __table_args__ = (
        CheckConstraint(_in("kind", ("promotion", "rotation")), name="kind"),
        CheckConstraint(
            _in(
                "status",
                (
                    "pending",
                    "approved",
                    "applied",
                    "rejected",
                    "cancelled",
                    "approval_refused",
                    "org_refused",
                ),
            ),
            name="status",
        ),
        CheckConstraint(
            "to_department_id IS NOT NULL OR to_position_id IS NOT NULL "
            "OR to_manager_id IS NOT NULL",
            name="changes_something",
        ),
    )
