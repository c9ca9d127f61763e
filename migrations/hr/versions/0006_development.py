"""performance, training, development and employee relations

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 18:20:00

A course session's ``enrolled`` never passes its ``capacity`` (a check constraint; enrolment
updates the counter under a row lock). An anonymous suggestion cannot hold a submitter id.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = (
    "development_reviews",
    "relations_cases",
    "forum_sessions",
    "development_plans",
    "career_moves",
    "improvement_check_ins",
    "improvement_plans",
    "enrolments",
    "reviews",
    "course_sessions",
    "training_plans",
    "suggestions",
    "review_cycles",
    "kpi_templates",
    "grade_bands",
    "courses",
)


def upgrade() -> None:
    op.create_table(
        "courses",
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("provider", sa.String(length=200), nullable=True),
        sa.Column("hours", sa.Numeric(precision=6, scale=1), nullable=False),
        sa.Column("cost_per_participant", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("self_service", sa.Boolean(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=True),
        sa.CheckConstraint(
            "kind IN ('internal', 'external_expert', 'external_seminar')",
            name=op.f("ck_courses_kind"),
        ),
        sa.CheckConstraint("cost_per_participant >= 0", name=op.f("ck_courses_cost_not_negative")),
        sa.CheckConstraint("hours > 0", name=op.f("ck_courses_hours_positive")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_courses")),
        sa.UniqueConstraint("code", name=op.f("uq_courses_code")),
    )
    op.create_table(
        "grade_bands",
        sa.Column("grade", sa.String(length=2), nullable=False),
        sa.Column("min_score", sa.Numeric(precision=6, scale=2), nullable=False),
        sa.Column("coefficient", sa.Numeric(precision=5, scale=2), nullable=False),
        sa.Column("below_target", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "coefficient >= 0 AND coefficient <= 5", name=op.f("ck_grade_bands_coefficient_range")
        ),
        sa.CheckConstraint(
            "min_score >= 0 AND min_score <= 120", name=op.f("ck_grade_bands_min_score_range")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grade_bands")),
        sa.UniqueConstraint("grade", name=op.f("uq_grade_bands_grade")),
    )
    op.create_table(
        "kpi_templates",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("department_id", sa.Uuid(), nullable=True),
        sa.Column("position", sa.String(length=200), nullable=True),
        sa.Column("indicators", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=True),
        sa.CheckConstraint(
            "department_id IS NOT NULL OR position IS NOT NULL",
            name=op.f("ck_kpi_templates_has_scope"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kpi_templates")),
    )
    op.create_index(
        op.f("ix_kpi_templates_department_id"), "kpi_templates", ["department_id"], unique=False
    )
    op.create_table(
        "review_cycles",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("department_id", sa.Uuid(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=True),
        sa.CheckConstraint(
            "period IN ('monthly', 'quarterly', 'annual')", name=op.f("ck_review_cycles_period")
        ),
        sa.CheckConstraint("status IN ('open', 'closed')", name=op.f("ck_review_cycles_status")),
        sa.CheckConstraint("end_date >= start_date", name=op.f("ck_review_cycles_dates_in_order")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_cycles")),
    )
    op.create_table(
        "suggestions",
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.String(length=4000), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("anonymous", sa.Boolean(), nullable=False),
        sa.Column("submitter_employee_id", sa.Uuid(), nullable=True),
        sa.Column("receipt_hash", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("answer", sa.String(length=4000), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "status IN ('received', 'answered')", name=op.f("ck_suggestions_status")
        ),
        sa.CheckConstraint(
            "NOT anonymous OR submitter_employee_id IS NULL",
            name=op.f("ck_suggestions_anonymous_unlinked"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suggestions")),
        sa.UniqueConstraint("receipt_hash", name=op.f("uq_suggestions_receipt_hash")),
    )
    op.create_index(
        op.f("ix_suggestions_submitter_employee_id"),
        "suggestions",
        ["submitter_employee_id"],
        unique=False,
    )
    op.create_table(
        "training_plans",
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("needs", sa.JSON(), nullable=False),
        sa.Column("budget", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=True),
        sa.CheckConstraint("budget >= 0", name=op.f("ck_training_plans_budget_not_negative")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_plans")),
        sa.UniqueConstraint("year", name=op.f("uq_training_plans_year")),
    )
    op.create_table(
        "course_sessions",
        sa.Column("course_id", sa.Uuid(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=False),
        sa.Column("trainer", sa.String(length=200), nullable=True),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("enrolled", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "status IN ('scheduled', 'completed', 'cancelled')",
            name=op.f("ck_course_sessions_status"),
        ),
        sa.CheckConstraint("capacity > 0", name=op.f("ck_course_sessions_capacity_positive")),
        sa.CheckConstraint("ends_on >= starts_on", name=op.f("ck_course_sessions_dates_in_order")),
        sa.CheckConstraint(
            "enrolled >= 0 AND enrolled <= capacity",
            name=op.f("ck_course_sessions_within_capacity"),
        ),
        sa.ForeignKeyConstraint(
            ["course_id"], ["courses.id"], name=op.f("fk_course_sessions_course_id_courses")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_course_sessions")),
    )
    op.create_index(
        op.f("ix_course_sessions_course_id"), "course_sessions", ["course_id"], unique=False
    )
    op.create_table(
        "reviews",
        sa.Column("cycle_id", sa.Uuid(), nullable=False),
        sa.Column("employee_id", sa.Uuid(), nullable=False),
        sa.Column("department_id", sa.Uuid(), nullable=False),
        sa.Column("template_id", sa.Uuid(), nullable=True),
        sa.Column("indicators", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("self_scores", sa.JSON(), nullable=True),
        sa.Column("self_comment", sa.String(length=2000), nullable=True),
        sa.Column("self_score", sa.Numeric(precision=6, scale=2), nullable=True),
        sa.Column("manager_scores", sa.JSON(), nullable=True),
        sa.Column("manager_comment", sa.String(length=2000), nullable=True),
        sa.Column("reviewer_id", sa.Uuid(), nullable=True),
        sa.Column("score", sa.Numeric(precision=6, scale=2), nullable=True),
        sa.Column("calibrated_score", sa.Numeric(precision=6, scale=2), nullable=True),
        sa.Column("calibration_reason", sa.String(length=500), nullable=True),
        sa.Column("final_score", sa.Numeric(precision=6, scale=2), nullable=True),
        sa.Column("grade", sa.String(length=2), nullable=True),
        sa.Column("coefficient", sa.Numeric(precision=5, scale=2), nullable=True),
        sa.Column("below_target", sa.Boolean(), nullable=False),
        sa.Column("finalized_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "status <> 'finalized' OR (final_score IS NOT NULL AND grade IS NOT NULL AND coefficient IS NOT NULL)",
            name=op.f("ck_reviews_finalized_has_grade"),
        ),
        sa.CheckConstraint(
            "status IN ('self_assessment', 'manager_review', 'reviewed', 'finalized')",
            name=op.f("ck_reviews_status"),
        ),
        sa.CheckConstraint(
            "calibrated_score IS NULL OR calibration_reason IS NOT NULL",
            name=op.f("ck_reviews_calibration_reason"),
        ),
        sa.ForeignKeyConstraint(
            ["cycle_id"], ["review_cycles.id"], name=op.f("fk_reviews_cycle_id_review_cycles")
        ),
        sa.ForeignKeyConstraint(
            ["template_id"], ["kpi_templates.id"], name=op.f("fk_reviews_template_id_kpi_templates")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reviews")),
        sa.UniqueConstraint(
            "cycle_id", "employee_id", name=op.f("uq_reviews_cycle_id_employee_id")
        ),
    )
    op.create_index(op.f("ix_reviews_cycle_id"), "reviews", ["cycle_id"], unique=False)
    op.create_index(op.f("ix_reviews_department_id"), "reviews", ["department_id"], unique=False)
    op.create_index(op.f("ix_reviews_employee_id"), "reviews", ["employee_id"], unique=False)
    op.create_table(
        "enrolments",
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("course_id", sa.Uuid(), nullable=False),
        sa.Column("employee_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("completed_on", sa.Date(), nullable=True),
        sa.Column("participant_rating", sa.Integer(), nullable=True),
        sa.Column("participant_feedback", sa.String(length=2000), nullable=True),
        sa.Column("manager_rating", sa.Integer(), nullable=True),
        sa.Column("manager_assessment", sa.String(length=2000), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=True),
        sa.CheckConstraint(
            "status IN ('enrolled', 'attended', 'completed', 'no_show', 'cancelled')",
            name=op.f("ck_enrolments_status"),
        ),
        sa.CheckConstraint(
            "manager_rating IS NULL OR manager_rating BETWEEN 1 AND 5",
            name=op.f("ck_enrolments_manager_rating"),
        ),
        sa.CheckConstraint(
            "participant_rating IS NULL OR participant_rating BETWEEN 1 AND 5",
            name=op.f("ck_enrolments_participant_rating"),
        ),
        sa.ForeignKeyConstraint(
            ["course_id"], ["courses.id"], name=op.f("fk_enrolments_course_id_courses")
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["course_sessions.id"],
            name=op.f("fk_enrolments_session_id_course_sessions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enrolments")),
        sa.UniqueConstraint(
            "session_id", "employee_id", name=op.f("uq_enrolments_session_id_employee_id")
        ),
    )
    op.create_index(op.f("ix_enrolments_course_id"), "enrolments", ["course_id"], unique=False)
    op.create_index(op.f("ix_enrolments_employee_id"), "enrolments", ["employee_id"], unique=False)
    op.create_index(
        "ix_enrolments_employee_status", "enrolments", ["employee_id", "status"], unique=False
    )
    op.create_index(op.f("ix_enrolments_session_id"), "enrolments", ["session_id"], unique=False)
    op.create_table(
        "improvement_plans",
        sa.Column("employee_id", sa.Uuid(), nullable=False),
        sa.Column("department_id", sa.Uuid(), nullable=False),
        sa.Column("manager_id", sa.Uuid(), nullable=True),
        sa.Column("review_id", sa.Uuid(), nullable=True),
        sa.Column("goals", sa.JSON(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("review_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("outcome_note", sa.String(length=2000), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=True),
        sa.CheckConstraint(
            "status IN ('open', 'completed', 'extended', 'failed')",
            name=op.f("ck_improvement_plans_status"),
        ),
        sa.CheckConstraint(
            "review_date >= start_date", name=op.f("ck_improvement_plans_dates_in_order")
        ),
        sa.ForeignKeyConstraint(
            ["review_id"], ["reviews.id"], name=op.f("fk_improvement_plans_review_id_reviews")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_improvement_plans")),
    )
    op.create_index(
        op.f("ix_improvement_plans_department_id"),
        "improvement_plans",
        ["department_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_improvement_plans_employee_id"), "improvement_plans", ["employee_id"], unique=False
    )
    op.create_index(
        op.f("ix_improvement_plans_manager_id"), "improvement_plans", ["manager_id"], unique=False
    )
    op.create_table(
        "improvement_check_ins",
        sa.Column("plan_id", sa.Uuid(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("notes", sa.String(length=4000), nullable=False),
        sa.Column("progress", sa.String(length=12), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=True),
        sa.CheckConstraint(
            "progress IN ('on_track', 'at_risk', 'off_track')",
            name=op.f("ck_improvement_check_ins_progress"),
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["improvement_plans.id"],
            name=op.f("fk_improvement_check_ins_plan_id_improvement_plans"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_improvement_check_ins")),
    )
    op.create_index(
        op.f("ix_improvement_check_ins_plan_id"), "improvement_check_ins", ["plan_id"], unique=False
    )
    # ### end Alembic commands ###

    op.create_table(
        "career_moves",
        sa.Column("employee_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("from_department_id", sa.Uuid(), nullable=False),
        sa.Column("to_department_id", sa.Uuid(), nullable=True),
        sa.Column("to_position_id", sa.Uuid(), nullable=True),
        sa.Column("to_manager_id", sa.Uuid(), nullable=True),
        sa.Column("effective_date", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=2000), nullable=False),
        sa.Column("requester_employee_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("workflow_instance_id", sa.Uuid(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("org_retry_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("org_attempts", sa.Integer(), nullable=False),
        sa.Column("org_error", sa.String(length=500), nullable=True),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=True),
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
        sa.CheckConstraint("kind IN ('promotion', 'rotation')", name=op.f("ck_career_moves_kind")),
        sa.CheckConstraint(
            "status IN ('pending', 'approved', 'applied', 'rejected', 'cancelled', 'approval_refused', 'org_refused')",
            name=op.f("ck_career_moves_status"),
        ),
        sa.CheckConstraint(
            "to_department_id IS NOT NULL OR to_position_id IS NOT NULL OR to_manager_id IS NOT NULL",
            name=op.f("ck_career_moves_changes_something"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_career_moves")),
    )
    op.create_index(
        op.f("ix_career_moves_approval_retry_at"),
        "career_moves",
        ["approval_retry_at"],
        unique=False,
    )
    op.create_index(
        op.f("ix_career_moves_employee_id"), "career_moves", ["employee_id"], unique=False
    )
    op.create_index(
        op.f("ix_career_moves_org_retry_at"), "career_moves", ["org_retry_at"], unique=False
    )
    op.create_table(
        "development_plans",
        sa.Column("employee_id", sa.Uuid(), nullable=False),
        sa.Column("department_id", sa.Uuid(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("goals", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=True),
        sa.CheckConstraint(
            "status IN ('active', 'closed')", name=op.f("ck_development_plans_status")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_development_plans")),
        sa.UniqueConstraint(
            "employee_id", "year", name=op.f("uq_development_plans_employee_id_year")
        ),
    )
    op.create_index(
        op.f("ix_development_plans_department_id"),
        "development_plans",
        ["department_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_development_plans_employee_id"), "development_plans", ["employee_id"], unique=False
    )
    op.create_table(
        "forum_sessions",
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=False),
        sa.Column("agenda", sa.JSON(), nullable=False),
        sa.Column("attendee_ids", sa.JSON(), nullable=False),
        sa.Column("minutes", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=True),
        sa.CheckConstraint(
            "status IN ('planned', 'held', 'cancelled')", name=op.f("ck_forum_sessions_status")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_forum_sessions")),
    )
    op.create_table(
        "relations_cases",
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("description", sa.String(length=4000), nullable=False),
        sa.Column("employee_id", sa.Uuid(), nullable=True),
        sa.Column("confidential", sa.Boolean(), nullable=False),
        sa.Column("handler_id", sa.Uuid(), nullable=True),
        sa.Column("handler_ids", sa.JSON(), nullable=False),
        sa.Column("forum", sa.String(length=12), nullable=True),
        sa.Column("status", sa.String(length=14), nullable=False),
        sa.Column("outcome", sa.String(length=4000), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=True),
        sa.CheckConstraint(
            "kind IN ('complaint', 'dispute')", name=op.f("ck_relations_cases_kind")
        ),
        sa.CheckConstraint(
            "status <> 'resolved' OR outcome IS NOT NULL",
            name=op.f("ck_relations_cases_resolved_has_outcome"),
        ),
        sa.CheckConstraint(
            "status IN ('open', 'investigating', 'resolved', 'withdrawn')",
            name=op.f("ck_relations_cases_status"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_relations_cases")),
    )
    op.create_index(
        op.f("ix_relations_cases_employee_id"), "relations_cases", ["employee_id"], unique=False
    )
    op.create_index(op.f("ix_relations_cases_kind"), "relations_cases", ["kind"], unique=False)
    op.create_table(
        "development_reviews",
        sa.Column("plan_id", sa.Uuid(), nullable=False),
        sa.Column("reviewed_on", sa.Date(), nullable=False),
        sa.Column("notes", sa.String(length=4000), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["development_plans.id"],
            name=op.f("fk_development_reviews_plan_id_development_plans"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_development_reviews")),
    )
    op.create_index(
        op.f("ix_development_reviews_plan_id"), "development_reviews", ["plan_id"], unique=False
    )
    # ### end Alembic commands ###


def downgrade() -> None:
    for table in TABLES:
        op.drop_table(table)
