"""Payloads of the events hr publishes about recruitment, onboarding and labour contracts.

Events name people by id only: a candidate's contact details and a salary stay in hr.
"""

import uuid
from datetime import date

from pydantic import Field

from shared.contracts.events import EventPayload, event_contract

# ---- hiring plans and postings ----------------------------------------------------------------


class HiringPlanEvent(EventPayload):
    """A hiring plan as it is after the change."""

    department_id: uuid.UUID
    position: str
    headcount: int
    status: str = Field(description="The plan's status after the change.")


@event_contract("hr.hiring_plan.submitted")
class HiringPlanSubmitted(HiringPlanEvent):
    """A hiring plan was recorded; its ``hiring`` approval in workflow follows."""


@event_contract("hr.hiring_plan.approved")
class HiringPlanApproved(HiringPlanEvent):
    """workflow approved the plan: its openings may be posted."""


@event_contract("hr.hiring_plan.rejected")
class HiringPlanRejected(HiringPlanEvent):
    """The plan was rejected in workflow (or workflow refused to start its approval)."""

    reason: str


@event_contract("hr.hiring_plan.cancelled")
class HiringPlanCancelled(HiringPlanEvent):
    """The plan was withdrawn before its approval ended, or closed once staffed."""

    reason: str


class JobPostingEvent(EventPayload):
    """A job posting as it is after the change."""

    hiring_plan_id: uuid.UUID
    title: str
    status: str


@event_contract("hr.job_posting.opened")
class JobPostingOpened(JobPostingEvent):
    """An approved plan's opening was published."""


@event_contract("hr.job_posting.closed")
class JobPostingClosed(JobPostingEvent):
    """The posting takes no more applications (closed by HR, or every opening is filled)."""

    reason: str


# ---- candidates and applications ---------------------------------------------------------------


@event_contract("hr.candidate.registered")
class CandidateRegistered(EventPayload):
    """A candidate was recorded (contact details are not in the event)."""

    source_channel: str


@event_contract("hr.candidate.updated")
class CandidateUpdated(EventPayload):
    """HR changed a candidate's details (which fields, not their values)."""

    fields: list[str]
    source_channel: str


class ApplicationEvent(EventPayload):
    """An application as it is after the change."""

    candidate_id: uuid.UUID
    job_posting_id: uuid.UUID
    department_id: uuid.UUID
    stage: str


@event_contract("hr.application.submitted")
class ApplicationSubmitted(ApplicationEvent):
    """A candidate applied to a posting (stage ``applied``)."""


@event_contract("hr.application.advanced")
class ApplicationAdvanced(ApplicationEvent):
    """The application moved to the next stage of the pipeline."""

    from_stage: str


@event_contract("hr.application.rejected")
class ApplicationRejected(ApplicationEvent):
    """The company turned the candidate down at some stage."""

    from_stage: str
    reason: str


@event_contract("hr.application.withdrawn")
class ApplicationWithdrawn(ApplicationEvent):
    """The candidate withdrew."""

    from_stage: str
    reason: str


@event_contract("hr.application.hired")
class ApplicationHired(ApplicationEvent):
    """The candidate accepted an offer."""

    from_stage: str


# ---- interviews, checks, offers ----------------------------------------------------------------


class InterviewEvent(EventPayload):
    """An interview round as it is after the change."""

    application_id: uuid.UUID
    round: str
    kind: str
    status: str
    interviewer_ids: list[uuid.UUID]


@event_contract("hr.interview.scheduled")
class InterviewScheduled(InterviewEvent):
    """A round was scheduled with its interviewers."""


@event_contract("hr.interview.completed")
class InterviewCompleted(InterviewEvent):
    """Every interviewer of the round submitted a scorecard."""


@event_contract("hr.interview.cancelled")
class InterviewCancelled(InterviewEvent):
    """The round will not take place."""


@event_contract("hr.scorecard.submitted")
class ScorecardSubmitted(EventPayload):
    """An interviewer submitted their scorecard (scores stay in hr)."""

    interview_id: uuid.UUID
    interviewer_id: uuid.UUID
    recommendation: str


@event_contract("hr.background_check.recorded")
class BackgroundCheckRecorded(EventPayload):
    """The result of a background check was recorded for an application."""

    application_id: uuid.UUID
    result: str
    checked_on: date


class OfferEvent(EventPayload):
    """An offer as it is after the change (the salary stays in hr)."""

    application_id: uuid.UUID
    candidate_id: uuid.UUID
    position: str
    grade: str
    start_date: date
    above_band: bool
    status: str


@event_contract("hr.offer.made")
class OfferMade(OfferEvent):
    """An offer was drafted: approved at once within the pay band, else awaiting approval."""


@event_contract("hr.offer.approved")
class OfferApproved(OfferEvent):
    """The offer may be sent to the candidate."""


@event_contract("hr.offer.rejected")
class OfferRejected(OfferEvent):
    """The offer's approval was rejected (or workflow refused to start it)."""

    reason: str


@event_contract("hr.offer.accepted")
class OfferAccepted(OfferEvent):
    """The candidate accepted; onboarding opens."""


@event_contract("hr.offer.declined")
class OfferDeclined(OfferEvent):
    """The candidate declined (or HR withdrew the offer before an answer)."""

    reason: str


@event_contract("hr.offer.withdrawn")
class OfferWithdrawn(OfferEvent):
    """HR took back an offer the candidate had not answered."""

    reason: str


@event_contract("hr.pay_band.updated")
class PayBandUpdated(EventPayload):
    """HR changed a grade's salary range."""

    grade: str
    minimum: str = Field(pattern=r"^\d+\.\d{2}$")
    maximum: str = Field(pattern=r"^\d+\.\d{2}$")
    currency: str


# ---- onboarding --------------------------------------------------------------------------------


class OnboardingEvent(EventPayload):
    """An onboarding as it is after the change."""

    offer_id: uuid.UUID
    candidate_id: uuid.UUID
    department_id: uuid.UUID
    employee_id: uuid.UUID | None
    start_date: date
    status: str
    checklist_done: list[str] = Field(description="The checklist items done so far.")


@event_contract("hr.onboarding.opened")
class OnboardingOpened(OnboardingEvent):
    """An accepted offer opened the onboarding checklist; the employee is created in org next."""


@event_contract("hr.onboarding.progressed")
class OnboardingProgressed(OnboardingEvent):
    """A checklist item was done (or undone)."""


@event_contract("hr.onboarding.employee_created")
class OnboardingEmployeeCreated(OnboardingEvent):
    """org answered: the new hire is an employee (status ``onboarding``)."""


@event_contract("hr.employee.onboarded")
class EmployeeOnboarded(OnboardingEvent):
    """The checklist is complete and org has the employee ``active``."""


# ---- labour contracts --------------------------------------------------------------------------


class LabourContractEvent(EventPayload):
    """A labour contract as it is after the change (salary terms stay in hr)."""

    employee_id: uuid.UUID
    kind: str
    start_date: date
    end_date: date | None
    probation_end_date: date | None
    status: str
    fixed_term_sequence: int = Field(
        description="How many fixed-term contracts in a row this one is (0 for other kinds)."
    )


@event_contract("hr.labour_contract.signed")
class LabourContractSigned(LabourContractEvent):
    """A first contract (or one not following another) was recorded."""


@event_contract("hr.labour_contract.renewed")
class LabourContractRenewed(LabourContractEvent):
    """A contract following ``previous_contract_id`` was recorded."""

    previous_contract_id: uuid.UUID
    open_ended_required_next: bool
    override_reason: str | None


@event_contract("hr.labour_contract.terminated")
class LabourContractTerminated(LabourContractEvent):
    """The contract ended before (or at) its end date."""

    terminated_on: date
    reason: str


@event_contract("hr.labour_contract.expiring")
class LabourContractExpiring(LabourContractEvent):
    """The contract ends within ``days_before`` days (60 or 30); HR and the head were told."""

    days_before: int
    days_left: int
