"""Payloads of the events hr publishes about performance, training and employee relations.

Events name people by id only; an anonymous suggestion's events name nobody at all.
"""

import uuid
from datetime import date
from decimal import Decimal

from pydantic import Field

from shared.contracts.events import EventPayload, event_contract

# ---- performance ------------------------------------------------------------------------------


class KpiTemplateEvent(EventPayload):
    """A KPI template as it is after the change."""

    name: str
    department_id: uuid.UUID | None
    position: str | None
    indicator_count: int


@event_contract("hr.kpi_template.created")
class KpiTemplateCreated(KpiTemplateEvent):
    """HR defined a KPI template."""


@event_contract("hr.kpi_template.updated")
class KpiTemplateUpdated(KpiTemplateEvent):
    """HR changed a KPI template (reviews already opened keep the indicators they opened with)."""


@event_contract("hr.grade_bands.updated")
class GradeBandsUpdated(EventPayload):
    """HR replaced the score bands of the final grades and their coefficients."""

    grades: list[str]


class ReviewCycleEvent(EventPayload):
    """A review cycle as it is after the change."""

    name: str
    period: str
    start_date: date
    end_date: date
    department_id: uuid.UUID | None
    status: str
    review_count: int


@event_contract("hr.review_cycle.opened")
class ReviewCycleOpened(ReviewCycleEvent):
    """A cycle opened a review for every active employee in scope."""


@event_contract("hr.review_cycle.closed")
class ReviewCycleClosed(ReviewCycleEvent):
    """Every review of the cycle is final."""


class ReviewEvent(EventPayload):
    """A review as it is after the change."""

    cycle_id: uuid.UUID
    employee_id: uuid.UUID
    department_id: uuid.UUID
    status: str


@event_contract("hr.review.self_assessed")
class ReviewSelfAssessed(ReviewEvent):
    """The employee submitted their self-assessment."""


@event_contract("hr.review.reviewed")
class ReviewReviewed(ReviewEvent):
    """The department head scored the review."""

    score: Decimal = Field(description="The weighted score, 0-120, two decimals.")


@event_contract("hr.review.calibrated")
class ReviewCalibrated(ReviewEvent):
    """HR adjusted the score in calibration."""

    score: Decimal
    calibrated_score: Decimal
    reason: str


@event_contract("hr.review.finalized")
class ReviewFinalized(ReviewEvent):
    """The final grade and performance coefficient: what payroll reads."""

    final_score: Decimal
    grade: str
    coefficient: Decimal
    below_target: bool


class ImprovementPlanEvent(EventPayload):
    """An improvement plan as it is after the change."""

    employee_id: uuid.UUID
    review_id: uuid.UUID | None
    review_date: date
    status: str


@event_contract("hr.improvement_plan.opened")
class ImprovementPlanOpened(ImprovementPlanEvent):
    """Someone below target got an improvement plan."""


@event_contract("hr.improvement_plan.checked_in")
class ImprovementPlanCheckedIn(ImprovementPlanEvent):
    """A coaching check-in was recorded."""

    held_on: date
    progress: str


@event_contract("hr.improvement_plan.concluded")
class ImprovementPlanConcluded(ImprovementPlanEvent):
    """The plan ended (completed or failed) or was extended to a later review date."""


# ---- training ---------------------------------------------------------------------------------


@event_contract("hr.training_plan.recorded")
class TrainingPlanRecorded(EventPayload):
    """HR recorded (or changed) a year's training plan."""

    year: int
    need_count: int


class CourseEvent(EventPayload):
    """A course as it is after the change."""

    code: str
    title: str
    kind: str


@event_contract("hr.course.created")
class CourseCreated(CourseEvent):
    """A course was added to the catalogue."""


class CourseSessionEvent(EventPayload):
    """A course session as it is after the change."""

    course_id: uuid.UUID
    starts_on: date
    capacity: int
    enrolled: int
    status: str


@event_contract("hr.course_session.scheduled")
class CourseSessionScheduled(CourseSessionEvent):
    """A session of a course was scheduled."""


class EnrolmentEvent(EventPayload):
    """An enrolment as it is after the change."""

    session_id: uuid.UUID
    course_id: uuid.UUID
    employee_id: uuid.UUID
    status: str


@event_contract("hr.enrolment.created")
class EnrolmentCreated(EnrolmentEvent):
    """An employee took a seat in a session."""


@event_contract("hr.enrolment.cancelled")
class EnrolmentCancelled(EnrolmentEvent):
    """An enrolment was cancelled; its seat is free again."""


@event_contract("hr.enrolment.attended")
class EnrolmentAttended(EnrolmentEvent):
    """Attendance was recorded (attended or no-show)."""


@event_contract("hr.enrolment.completed")
class EnrolmentCompleted(EnrolmentEvent):
    """The employee completed the course."""


@event_contract("hr.enrolment.evaluated")
class EnrolmentEvaluated(EnrolmentEvent):
    """The participant's rating or the manager's assessment was recorded."""


# ---- employee relations -----------------------------------------------------------------------


class SuggestionEvent(EventPayload):
    """A suggestion as it is after the change: never who submitted it."""

    category: str
    anonymous: bool
    status: str


@event_contract("hr.suggestion.submitted")
class SuggestionSubmitted(SuggestionEvent):
    """A suggestion reached the box."""


@event_contract("hr.suggestion.answered")
class SuggestionAnswered(SuggestionEvent):
    """HR answered a suggestion."""


class ForumSessionEvent(EventPayload):
    """A staff forum session as it is after the change."""

    title: str
    held_on: date
    status: str
    attendee_count: int


@event_contract("hr.forum_session.scheduled")
class ForumSessionScheduled(ForumSessionEvent):
    """HR scheduled a staff forum session with its agenda."""


@event_contract("hr.forum_session.held")
class ForumSessionHeld(ForumSessionEvent):
    """The session was held and its minutes recorded."""


class RelationsCaseEvent(EventPayload):
    """A complaint or dispute as it is after the change: no names and no details, since
    confidential cases are for HR and their handlers only."""

    kind: str = Field(description="`complaint` or `dispute`.")
    confidential: bool
    status: str


@event_contract("hr.relations_case.opened")
class RelationsCaseOpened(RelationsCaseEvent):
    """A complaint was filed or a labour dispute recorded."""


@event_contract("hr.relations_case.updated")
class RelationsCaseUpdated(RelationsCaseEvent):
    """The case's handler, handlers or status changed."""


@event_contract("hr.relations_case.resolved")
class RelationsCaseResolved(RelationsCaseEvent):
    """The case reached its resolution (or was withdrawn)."""


class DevelopmentPlanEvent(EventPayload):
    """An individual development plan as it is after the change."""

    employee_id: uuid.UUID
    year: int
    status: str
    goal_count: int


@event_contract("hr.development_plan.created")
class DevelopmentPlanCreated(DevelopmentPlanEvent):
    """A development plan was agreed."""


@event_contract("hr.development_plan.reviewed")
class DevelopmentPlanReviewed(DevelopmentPlanEvent):
    """The plan's progress was reviewed."""


class CareerMoveEvent(EventPayload):
    """A promotion or job rotation as it is after the change."""

    employee_id: uuid.UUID
    kind: str = Field(description="`promotion` or `rotation`.")
    to_department_id: uuid.UUID | None
    to_position_id: uuid.UUID | None
    to_manager_id: uuid.UUID | None
    effective_date: date
    status: str


@event_contract("hr.career_move.requested")
class CareerMoveRequested(CareerMoveEvent):
    """A promotion or rotation was recorded; its approval in workflow follows."""


@event_contract("hr.career_move.approved")
class CareerMoveApproved(CareerMoveEvent):
    """workflow approved it; hr applies it to org."""


@event_contract("hr.career_move.rejected")
class CareerMoveRejected(CareerMoveEvent):
    """It was rejected or withdrawn in workflow, or workflow refused to start its approval."""


@event_contract("hr.career_move.applied")
class CareerMoveApplied(CareerMoveEvent):
    """org took the new position, department or manager."""
