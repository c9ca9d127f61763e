"""recruitment, onboarding and labour contracts

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 17:40:00

At most one labour contract of an employee is in force on any day: on PostgreSQL an exclusion
constraint over the contract's days (``btree_gist`` lets a gist index compare the employee id
with ``=``); on SQLite, triggers that refuse an overlapping insert or update.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = (
    "demo_seeds",
    "scorecard_scores",
    "scorecards",
    "onboardings",
    "offers",
    "interviews",
    "background_checks",
    "applications",
    "labour_contract_alerts",
    "job_postings",
    "pay_bands",
    "labour_contracts",
    "hiring_plans",
    "candidates",
)

# Two contracts of one employee overlap when each starts before (or on) the other's last day
# in force; a null last day is open-ended.
_OVERLAP_SQLITE = """
CREATE TRIGGER {name} BEFORE {event} ON labour_contracts
WHEN EXISTS (
    SELECT 1 FROM labour_contracts AS other
    WHERE other.employee_id = NEW.employee_id
      AND other.id <> NEW.id
      AND other.start_date <= COALESCE(NEW.in_force_until, '9999-12-31')
      AND NEW.start_date <= COALESCE(other.in_force_until, '9999-12-31')
)
BEGIN
    SELECT RAISE(ABORT, 'labour_contract_overlap: another contract of this employee is in force');
END
"""


def upgrade() -> None:
    op.create_table(
        "candidates",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("email_key", sa.String(length=254), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("phone_key", sa.String(length=40), nullable=True),
        sa.Column("resume_ref", sa.String(length=500), nullable=True),
        sa.Column("source_channel", sa.String(length=20), nullable=False),
        sa.Column("notes", sa.String(length=2000), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_candidates")),
        sa.UniqueConstraint("email_key", name=op.f("uq_candidates_email_key")),
        sa.UniqueConstraint("phone_key", name=op.f("uq_candidates_phone_key")),
    )
    op.create_table(
        "hiring_plans",
        sa.Column("department_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.String(length=200), nullable=False),
        sa.Column("position_id", sa.Uuid(), nullable=True),
        sa.Column("grade", sa.String(length=20), nullable=True),
        sa.Column("headcount", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=2000), nullable=False),
        sa.Column("channels", sa.JSON(), nullable=False),
        sa.Column("requirements", sa.Text(), nullable=False),
        sa.Column("rounds", sa.JSON(), nullable=False),
        sa.Column("background_check_waived", sa.Boolean(), nullable=False),
        sa.Column("requester_employee_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("workflow_instance_id", sa.Uuid(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=True),
        sa.Column("approval_key", sa.String(length=200), nullable=True),
        sa.Column("approval_state", sa.String(length=20), nullable=True),
        sa.Column("approval_retry_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("approval_attempts", sa.Integer(), nullable=False),
        sa.Column("approval_error", sa.String(length=500), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'approved', 'rejected', 'cancelled', 'approval_refused', 'closed')",
            name=op.f("ck_hiring_plans_status"),
        ),
        sa.CheckConstraint("headcount > 0", name=op.f("ck_hiring_plans_headcount_positive")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hiring_plans")),
    )
    op.create_index(
        op.f("ix_hiring_plans_approval_retry_at"),
        "hiring_plans",
        ["approval_retry_at"],
        unique=False,
    )
    op.create_index(
        op.f("ix_hiring_plans_department_id"), "hiring_plans", ["department_id"], unique=False
    )
    op.create_table(
        "labour_contracts",
        sa.Column("employee_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("probation_end_date", sa.Date(), nullable=True),
        sa.Column("position", sa.String(length=200), nullable=False),
        sa.Column("salary", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("pay_basis", sa.String(length=10), nullable=False),
        sa.Column("weekly_hours", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("in_force_until", sa.Date(), nullable=True),
        sa.Column("terminated_on", sa.Date(), nullable=True),
        sa.Column("termination_reason", sa.String(length=500), nullable=True),
        sa.Column("previous_contract_id", sa.Uuid(), nullable=True),
        sa.Column("fixed_term_sequence", sa.Integer(), nullable=False),
        sa.Column("override_reason", sa.String(length=500), nullable=True),
        sa.Column("offer_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=True),
        sa.CheckConstraint(
            "(kind <> 'open_ended' OR end_date IS NULL) AND (kind NOT IN ('fixed_term', 'internship') OR end_date IS NOT NULL)",
            name=op.f("ck_labour_contracts_end_date_by_kind"),
        ),
        sa.CheckConstraint(
            "kind IN ('fixed_term', 'open_ended', 'part_time', 'internship')",
            name=op.f("ck_labour_contracts_kind"),
        ),
        sa.CheckConstraint(
            "pay_basis IN ('monthly', 'hourly')", name=op.f("ck_labour_contracts_pay_basis")
        ),
        sa.CheckConstraint(
            "status IN ('active', 'renewed', 'terminated')", name=op.f("ck_labour_contracts_status")
        ),
        sa.CheckConstraint(
            "end_date IS NULL OR end_date >= start_date",
            name=op.f("ck_labour_contracts_dates_in_order"),
        ),
        sa.CheckConstraint(
            "fixed_term_sequence >= 0", name=op.f("ck_labour_contracts_sequence_not_negative")
        ),
        sa.CheckConstraint(
            "probation_end_date IS NULL OR probation_end_date >= start_date",
            name=op.f("ck_labour_contracts_probation_after_start"),
        ),
        sa.CheckConstraint("salary > 0", name=op.f("ck_labour_contracts_salary_positive")),
        sa.ForeignKeyConstraint(
            ["previous_contract_id"],
            ["labour_contracts.id"],
            name=op.f("fk_labour_contracts_previous_contract_id_labour_contracts"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_labour_contracts")),
        sa.UniqueConstraint(
            "previous_contract_id", name=op.f("uq_labour_contracts_previous_contract_id")
        ),
    )
    op.create_index(
        "ix_labour_contracts_employee_dates",
        "labour_contracts",
        ["employee_id", "start_date"],
        unique=False,
    )
    op.create_index(
        op.f("ix_labour_contracts_employee_id"), "labour_contracts", ["employee_id"], unique=False
    )
    op.create_index(
        "ix_labour_contracts_until", "labour_contracts", ["in_force_until"], unique=False
    )
    op.create_table(
        "pay_bands",
        sa.Column("grade", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("minimum", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("maximum", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "minimum >= 0 AND minimum <= maximum", name=op.f("ck_pay_bands_range_in_order")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pay_bands")),
        sa.UniqueConstraint("grade", name=op.f("uq_pay_bands_grade")),
    )
    op.create_table(
        "job_postings",
        sa.Column("hiring_plan_id", sa.Uuid(), nullable=False),
        sa.Column("department_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("channels", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=True),
        sa.CheckConstraint("status IN ('open', 'closed')", name=op.f("ck_job_postings_status")),
        sa.ForeignKeyConstraint(
            ["hiring_plan_id"],
            ["hiring_plans.id"],
            name=op.f("fk_job_postings_hiring_plan_id_hiring_plans"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_postings")),
    )
    op.create_index(
        op.f("ix_job_postings_department_id"), "job_postings", ["department_id"], unique=False
    )
    op.create_index(
        op.f("ix_job_postings_hiring_plan_id"), "job_postings", ["hiring_plan_id"], unique=False
    )
    op.create_table(
        "labour_contract_alerts",
        sa.Column("contract_id", sa.Uuid(), nullable=False),
        sa.Column("days_before", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=12), nullable=False),
        sa.Column("recipients", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.CheckConstraint(
            "outcome IN ('delivered', 'skipped')", name=op.f("ck_labour_contract_alerts_outcome")
        ),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["labour_contracts.id"],
            name=op.f("fk_labour_contract_alerts_contract_id_labour_contracts"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_labour_contract_alerts")),
        sa.UniqueConstraint(
            "contract_id",
            "days_before",
            name=op.f("uq_labour_contract_alerts_contract_id_days_before"),
        ),
    )
    op.create_index(
        op.f("ix_labour_contract_alerts_contract_id"),
        "labour_contract_alerts",
        ["contract_id"],
        unique=False,
    )
    op.create_table(
        "applications",
        sa.Column("candidate_id", sa.Uuid(), nullable=False),
        sa.Column("job_posting_id", sa.Uuid(), nullable=False),
        sa.Column("hiring_plan_id", sa.Uuid(), nullable=False),
        sa.Column("department_id", sa.Uuid(), nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("closed_reason", sa.String(length=500), nullable=True),
        sa.Column("stage_changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=True),
        sa.CheckConstraint(
            "stage IN ('applied', 'screening', 'shortlisted', 'interviewing', 'offer', 'hired', 'rejected', 'withdrawn')",
            name=op.f("ck_applications_stage"),
        ),
        sa.CheckConstraint(
            "stage NOT IN ('rejected', 'withdrawn') OR closed_reason IS NOT NULL",
            name=op.f("ck_applications_closed_with_reason"),
        ),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["candidates.id"],
            name=op.f("fk_applications_candidate_id_candidates"),
        ),
        sa.ForeignKeyConstraint(
            ["hiring_plan_id"],
            ["hiring_plans.id"],
            name=op.f("fk_applications_hiring_plan_id_hiring_plans"),
        ),
        sa.ForeignKeyConstraint(
            ["job_posting_id"],
            ["job_postings.id"],
            name=op.f("fk_applications_job_posting_id_job_postings"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_applications")),
        sa.UniqueConstraint(
            "candidate_id",
            "job_posting_id",
            name=op.f("uq_applications_candidate_id_job_posting_id"),
        ),
    )
    op.create_index(
        op.f("ix_applications_candidate_id"), "applications", ["candidate_id"], unique=False
    )
    op.create_index(
        op.f("ix_applications_department_id"), "applications", ["department_id"], unique=False
    )
    op.create_index(
        op.f("ix_applications_job_posting_id"), "applications", ["job_posting_id"], unique=False
    )
    op.create_table(
        "background_checks",
        sa.Column("application_id", sa.Uuid(), nullable=False),
        sa.Column("checker", sa.String(length=200), nullable=False),
        sa.Column("result", sa.String(length=20), nullable=False),
        sa.Column("checked_on", sa.Date(), nullable=False),
        sa.Column("notes", sa.String(length=2000), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=True),
        sa.CheckConstraint(
            "result IN ('passed', 'failed', 'inconclusive')",
            name=op.f("ck_background_checks_result"),
        ),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_background_checks_application_id_applications"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_background_checks")),
    )
    op.create_index(
        op.f("ix_background_checks_application_id"),
        "background_checks",
        ["application_id"],
        unique=False,
    )
    op.create_table(
        "interviews",
        sa.Column("application_id", sa.Uuid(), nullable=False),
        sa.Column("round", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("scheduled_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("duration_minutes", sa.Integer(), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=True),
        sa.CheckConstraint(
            "status IN ('scheduled', 'completed', 'cancelled')", name=op.f("ck_interviews_status")
        ),
        sa.CheckConstraint("duration_minutes > 0", name=op.f("ck_interviews_duration_positive")),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_interviews_application_id_applications"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interviews")),
        sa.UniqueConstraint(
            "application_id", "round", name=op.f("uq_interviews_application_id_round")
        ),
    )
    op.create_index(
        op.f("ix_interviews_application_id"), "interviews", ["application_id"], unique=False
    )
    op.create_table(
        "offers",
        sa.Column("application_id", sa.Uuid(), nullable=False),
        sa.Column("candidate_id", sa.Uuid(), nullable=False),
        sa.Column("hiring_plan_id", sa.Uuid(), nullable=False),
        sa.Column("department_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.String(length=200), nullable=False),
        sa.Column("grade", sa.String(length=20), nullable=False),
        sa.Column("salary", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("band_maximum", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("above_band", sa.Boolean(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("probation_months", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("workflow_instance_id", sa.Uuid(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("responded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("response_note", sa.String(length=500), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=True),
        sa.Column("approval_key", sa.String(length=200), nullable=True),
        sa.Column("approval_state", sa.String(length=20), nullable=True),
        sa.Column("approval_retry_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("approval_attempts", sa.Integer(), nullable=False),
        sa.Column("approval_error", sa.String(length=500), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending_approval', 'approved', 'rejected', 'approval_refused', 'accepted', 'declined', 'withdrawn')",
            name=op.f("ck_offers_status"),
        ),
        sa.CheckConstraint(
            "probation_months BETWEEN 0 AND 6", name=op.f("ck_offers_probation_months")
        ),
        sa.CheckConstraint("salary > 0", name=op.f("ck_offers_salary_positive")),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_offers_application_id_applications"),
        ),
        sa.ForeignKeyConstraint(
            ["candidate_id"], ["candidates.id"], name=op.f("fk_offers_candidate_id_candidates")
        ),
        sa.ForeignKeyConstraint(
            ["hiring_plan_id"],
            ["hiring_plans.id"],
            name=op.f("fk_offers_hiring_plan_id_hiring_plans"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offers")),
    )
    op.create_index(op.f("ix_offers_application_id"), "offers", ["application_id"], unique=False)
    op.create_index(
        op.f("ix_offers_approval_retry_at"), "offers", ["approval_retry_at"], unique=False
    )
    op.create_index(
        "ux_offers_live_application",
        "offers",
        ["application_id"],
        unique=True,
        postgresql_where=sa.text("status IN ('pending_approval', 'approved', 'accepted')"),
        sqlite_where=sa.text("status IN ('pending_approval', 'approved', 'accepted')"),
    )
    op.create_table(
        "onboardings",
        sa.Column("offer_id", sa.Uuid(), nullable=False),
        sa.Column("candidate_id", sa.Uuid(), nullable=False),
        sa.Column("department_id", sa.Uuid(), nullable=False),
        sa.Column("manager_id", sa.Uuid(), nullable=True),
        sa.Column("position_id", sa.Uuid(), nullable=True),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("employee_number", sa.String(length=32), nullable=False),
        sa.Column("employment_type", sa.String(length=12), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("employee_id", sa.Uuid(), nullable=True),
        sa.Column("org_status", sa.String(length=12), nullable=False),
        sa.Column("org_attempts", sa.Integer(), nullable=False),
        sa.Column("org_error", sa.String(length=500), nullable=True),
        sa.Column("org_retry_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("contract_signed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("orientation_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("equipment_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("accounts_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "org_status IN ('none', 'onboarding', 'active')", name=op.f("ck_onboardings_org_status")
        ),
        sa.CheckConstraint("status IN ('open', 'completed')", name=op.f("ck_onboardings_status")),
        sa.ForeignKeyConstraint(
            ["candidate_id"], ["candidates.id"], name=op.f("fk_onboardings_candidate_id_candidates")
        ),
        sa.ForeignKeyConstraint(
            ["offer_id"], ["offers.id"], name=op.f("fk_onboardings_offer_id_offers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_onboardings")),
        sa.UniqueConstraint("employee_id", name=op.f("uq_onboardings_employee_id")),
        sa.UniqueConstraint("employee_number", name=op.f("uq_onboardings_employee_number")),
        sa.UniqueConstraint("offer_id", name=op.f("uq_onboardings_offer_id")),
    )
    op.create_index(
        op.f("ix_onboardings_org_retry_at"), "onboardings", ["org_retry_at"], unique=False
    )
    op.create_table(
        "scorecards",
        sa.Column("interview_id", sa.Uuid(), nullable=False),
        sa.Column("interviewer_id", sa.Uuid(), nullable=False),
        sa.Column("recommendation", sa.String(length=20), nullable=True),
        sa.Column("comments", sa.String(length=2000), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "submitted_at IS NULL OR recommendation IS NOT NULL",
            name=op.f("ck_scorecards_submitted_recommends"),
        ),
        sa.ForeignKeyConstraint(
            ["interview_id"], ["interviews.id"], name=op.f("fk_scorecards_interview_id_interviews")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scorecards")),
        sa.UniqueConstraint(
            "interview_id", "interviewer_id", name=op.f("uq_scorecards_interview_id_interviewer_id")
        ),
    )
    op.create_index(
        op.f("ix_scorecards_interview_id"), "scorecards", ["interview_id"], unique=False
    )
    op.create_index(
        op.f("ix_scorecards_interviewer_id"), "scorecards", ["interviewer_id"], unique=False
    )
    op.create_table(
        "scorecard_scores",
        sa.Column("scorecard_id", sa.Uuid(), nullable=False),
        sa.Column("criterion", sa.String(length=100), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("comment", sa.String(length=500), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.CheckConstraint(
            "score BETWEEN 1 AND 5", name=op.f("ck_scorecard_scores_score_in_scale")
        ),
        sa.ForeignKeyConstraint(
            ["scorecard_id"],
            ["scorecards.id"],
            name=op.f("fk_scorecard_scores_scorecard_id_scorecards"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scorecard_scores")),
        sa.UniqueConstraint(
            "scorecard_id", "criterion", name=op.f("uq_scorecard_scores_scorecard_id_criterion")
        ),
    )
    op.create_index(
        op.f("ix_scorecard_scores_scorecard_id"), "scorecard_scores", ["scorecard_id"], unique=False
    )

    op.create_table(
        "demo_seeds",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_demo_seeds")),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist SCHEMA public")
        op.execute(
            "ALTER TABLE labour_contracts ADD CONSTRAINT ex_labour_contracts_one_in_force "
            "EXCLUDE USING gist (employee_id public.gist_uuid_ops WITH =, "
            "daterange(start_date, in_force_until, '[]') WITH &&)"
        )
    else:
        op.execute(
            _OVERLAP_SQLITE.format(name="labour_contracts_no_overlap_insert", event="INSERT")
        )
        op.execute(
            _OVERLAP_SQLITE.format(
                name="labour_contracts_no_overlap_update",
                event="UPDATE OF employee_id, start_date, in_force_until",
            )
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        op.execute("DROP TRIGGER IF EXISTS labour_contracts_no_overlap_insert")
        op.execute("DROP TRIGGER IF EXISTS labour_contracts_no_overlap_update")
    for table in TABLES:
        op.drop_table(table)
