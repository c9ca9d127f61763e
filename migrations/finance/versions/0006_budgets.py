"""budgets, their lines, adjustments and revisions

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 17:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('budget_plans',
    sa.Column('department_code', sa.String(length=32), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('account_code', sa.String(length=20), nullable=False),
    sa.Column('monthly_amount', sa.Numeric(precision=16, scale=2), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_budget_plans')),
    sa.UniqueConstraint('department_code', 'year', 'account_code', name=op.f('uq_budget_plans_department_code_year_account_code'))
    )
    with op.batch_alter_table('budget_plans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_budget_plans_department_code'), ['department_code'], unique=False)

    op.create_table('budgets',
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Uuid(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('note', sa.String(length=2000), nullable=False),
    sa.Column('workflow_instance_id', sa.Uuid(), nullable=True),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_by', sa.String(length=200), nullable=True),
    sa.Column('approval_key', sa.String(length=200), nullable=True),
    sa.Column('approval_state', sa.String(length=20), nullable=True),
    sa.Column('approval_retry_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('approval_attempts', sa.Integer(), nullable=False),
    sa.Column('approval_error', sa.String(length=500), nullable=True),
    sa.CheckConstraint("status IN ('draft', 'submitted', 'approved', 'rejected', 'approval_refused')", name=op.f('ck_budgets_status_known')),
    sa.CheckConstraint('year BETWEEN 2000 AND 2999', name=op.f('ck_budgets_year_in_range')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_budgets')),
    sa.UniqueConstraint('year', 'department_id', name=op.f('uq_budgets_year_department_id'))
    )
    with op.batch_alter_table('budgets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_budgets_approval_retry_at'), ['approval_retry_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_budgets_department_id'), ['department_id'], unique=False)

    op.create_table('departments',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('parent_id', sa.Uuid(), nullable=True),
    sa.Column('head_employee_id', sa.Uuid(), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('synced_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_departments'))
    )
    with op.batch_alter_table('departments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_departments_code'), ['code'], unique=False)
        batch_op.create_index(batch_op.f('ix_departments_head_employee_id'), ['head_employee_id'], unique=False)

    op.create_table('employees',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('employee_number', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('department_id', sa.Uuid(), nullable=False),
    sa.Column('manager_id', sa.Uuid(), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('synced_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_employees'))
    )
    with op.batch_alter_table('employees', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_employees_department_id'), ['department_id'], unique=False)

    op.create_table('budget_adjustments',
    sa.Column('budget_id', sa.Uuid(), nullable=False),
    sa.Column('account_code', sa.String(length=20), nullable=False),
    sa.Column('month', sa.Integer(), nullable=False),
    sa.Column('old_amount', sa.Numeric(precision=16, scale=2), nullable=False),
    sa.Column('new_amount', sa.Numeric(precision=16, scale=2), nullable=False),
    sa.Column('reason', sa.String(length=2000), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_by', sa.String(length=200), nullable=True),
    sa.CheckConstraint('month BETWEEN 1 AND 12', name=op.f('ck_budget_adjustments_month_in_range')),
    sa.ForeignKeyConstraint(['budget_id'], ['budgets.id'], name=op.f('fk_budget_adjustments_budget_id_budgets'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_budget_adjustments'))
    )
    with op.batch_alter_table('budget_adjustments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_budget_adjustments_budget_id'), ['budget_id'], unique=False)

    op.create_table('budget_lines',
    sa.Column('budget_id', sa.Uuid(), nullable=False),
    sa.Column('account_code', sa.String(length=20), nullable=False),
    sa.Column('month', sa.Integer(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=16, scale=2), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.CheckConstraint('amount >= 0', name=op.f('ck_budget_lines_amount_not_negative')),
    sa.CheckConstraint('month BETWEEN 1 AND 12', name=op.f('ck_budget_lines_month_in_range')),
    sa.ForeignKeyConstraint(['budget_id'], ['budgets.id'], name=op.f('fk_budget_lines_budget_id_budgets'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_budget_lines')),
    sa.UniqueConstraint('budget_id', 'account_code', 'month', name=op.f('uq_budget_lines_budget_id_account_code_month'))
    )
    with op.batch_alter_table('budget_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_budget_lines_budget_id'), ['budget_id'], unique=False)

    op.create_table('budget_revisions',
    sa.Column('budget_id', sa.Uuid(), nullable=False),
    sa.Column('reason', sa.String(length=2000), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('workflow_instance_id', sa.Uuid(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_by', sa.String(length=200), nullable=True),
    sa.Column('approval_key', sa.String(length=200), nullable=True),
    sa.Column('approval_state', sa.String(length=20), nullable=True),
    sa.Column('approval_retry_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('approval_attempts', sa.Integer(), nullable=False),
    sa.Column('approval_error', sa.String(length=500), nullable=True),
    sa.CheckConstraint("status IN ('pending', 'approved', 'rejected', 'withdrawn', 'approval_refused')", name=op.f('ck_budget_revisions_status_known')),
    sa.ForeignKeyConstraint(['budget_id'], ['budgets.id'], name=op.f('fk_budget_revisions_budget_id_budgets'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_budget_revisions'))
    )
    with op.batch_alter_table('budget_revisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_budget_revisions_approval_retry_at'), ['approval_retry_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_budget_revisions_budget_id'), ['budget_id'], unique=False)

    op.create_table('budget_revision_lines',
    sa.Column('revision_id', sa.Uuid(), nullable=False),
    sa.Column('account_code', sa.String(length=20), nullable=False),
    sa.Column('month', sa.Integer(), nullable=False),
    sa.Column('delta', sa.Numeric(precision=16, scale=2), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.CheckConstraint('delta <> 0', name=op.f('ck_budget_revision_lines_delta_not_zero')),
    sa.CheckConstraint('month BETWEEN 1 AND 12', name=op.f('ck_budget_revision_lines_month_in_range')),
    sa.ForeignKeyConstraint(['revision_id'], ['budget_revisions.id'], name=op.f('fk_budget_revision_lines_revision_id_budget_revisions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_budget_revision_lines')),
    sa.UniqueConstraint('revision_id', 'account_code', 'month', name=op.f('uq_budget_revision_lines_revision_id_account_code_month'))
    )
    with op.batch_alter_table('budget_revision_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_budget_revision_lines_revision_id'), ['revision_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('budget_revision_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_budget_revision_lines_revision_id'))

    op.drop_table('budget_revision_lines')
    with op.batch_alter_table('budget_revisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_budget_revisions_budget_id'))
        batch_op.drop_index(batch_op.f('ix_budget_revisions_approval_retry_at'))

    op.drop_table('budget_revisions')
    with op.batch_alter_table('budget_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_budget_lines_budget_id'))

    op.drop_table('budget_lines')
    with op.batch_alter_table('budget_adjustments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_budget_adjustments_budget_id'))

    op.drop_table('budget_adjustments')
    with op.batch_alter_table('employees', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_employees_department_id'))

    op.drop_table('employees')
    with op.batch_alter_table('departments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_departments_head_employee_id'))
        batch_op.drop_index(batch_op.f('ix_departments_code'))

    op.drop_table('departments')
    with op.batch_alter_table('budgets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_budgets_department_id'))
        batch_op.drop_index(batch_op.f('ix_budgets_approval_retry_at'))

    op.drop_table('budgets')
    with op.batch_alter_table('budget_plans', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_budget_plans_department_code'))

    op.drop_table('budget_plans')
