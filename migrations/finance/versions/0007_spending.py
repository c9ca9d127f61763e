"""expense claims and spending requests

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 17:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('expense_categories',
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('name_en', sa.String(length=100), nullable=False),
    sa.Column('account_code', sa.String(length=20), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_expense_categories')),
    sa.UniqueConstraint('code', name=op.f('uq_expense_categories_code'))
    )
    op.create_table('expense_claims',
    sa.Column('employee_id', sa.Uuid(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('total', sa.Numeric(precision=16, scale=2), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('workflow_instance_id', sa.Uuid(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decision_reason', sa.String(length=2000), nullable=True),
    sa.Column('overridden_by', sa.String(length=200), nullable=True),
    sa.Column('journal_entry_id', sa.Uuid(), nullable=True),
    sa.Column('posted_on', sa.Date(), nullable=True),
    sa.Column('posting_error', sa.String(length=500), nullable=True),
    sa.Column('payment_entry_id', sa.Uuid(), nullable=True),
    sa.Column('paid_on', sa.Date(), nullable=True),
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
    sa.CheckConstraint("status IN ('submitted', 'approved', 'over_budget', 'rejected', 'withdrawn', 'approval_refused', 'paid')", name=op.f('ck_expense_claims_status_known')),
    sa.CheckConstraint("status NOT IN ('paid') OR (journal_entry_id IS NOT NULL AND payment_entry_id IS NOT NULL)", name=op.f('ck_expense_claims_paid_after_posting')),
    sa.CheckConstraint('total > 0', name=op.f('ck_expense_claims_total_positive')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_expense_claims'))
    )
    with op.batch_alter_table('expense_claims', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_expense_claims_approval_retry_at'), ['approval_retry_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_expense_claims_employee_id'), ['employee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_expense_claims_status'), ['status'], unique=False)

    op.create_table('spending_requests',
    sa.Column('requester_id', sa.Uuid(), nullable=False),
    sa.Column('department_id', sa.Uuid(), nullable=False),
    sa.Column('account_code', sa.String(length=20), nullable=False),
    sa.Column('amount', sa.Numeric(precision=16, scale=2), nullable=False),
    sa.Column('purpose', sa.String(length=2000), nullable=False),
    sa.Column('expected_date', sa.Date(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('workflow_instance_id', sa.Uuid(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decision_reason', sa.String(length=2000), nullable=True),
    sa.Column('overridden_by', sa.String(length=200), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('journal_entry_id', sa.Uuid(), nullable=True),
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
    sa.CheckConstraint("status IN ('submitted', 'approved', 'over_budget', 'rejected', 'withdrawn', 'approval_refused', 'closed')", name=op.f('ck_spending_requests_status_known')),
    sa.CheckConstraint('amount > 0', name=op.f('ck_spending_requests_amount_positive')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_spending_requests'))
    )
    with op.batch_alter_table('spending_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_spending_requests_approval_retry_at'), ['approval_retry_at'], unique=False)
        batch_op.create_index('ix_spending_requests_budget', ['department_id', 'year', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_spending_requests_department_id'), ['department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_spending_requests_requester_id'), ['requester_id'], unique=False)

    op.create_table('expense_claim_lines',
    sa.Column('claim_id', sa.Uuid(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=32), nullable=False),
    sa.Column('account_code', sa.String(length=20), nullable=False),
    sa.Column('department_id', sa.Uuid(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=16, scale=2), nullable=False),
    sa.Column('expense_date', sa.Date(), nullable=False),
    sa.Column('description', sa.String(length=2000), nullable=False),
    sa.Column('receipt_ref', sa.String(length=500), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.CheckConstraint('amount > 0', name=op.f('ck_expense_claim_lines_amount_positive')),
    sa.ForeignKeyConstraint(['claim_id'], ['expense_claims.id'], name=op.f('fk_expense_claim_lines_claim_id_expense_claims'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_expense_claim_lines'))
    )
    with op.batch_alter_table('expense_claim_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_expense_claim_lines_claim_id'), ['claim_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_expense_claim_lines_department_id'), ['department_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('expense_claim_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_expense_claim_lines_department_id'))
        batch_op.drop_index(batch_op.f('ix_expense_claim_lines_claim_id'))

    op.drop_table('expense_claim_lines')
    with op.batch_alter_table('spending_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_spending_requests_requester_id'))
        batch_op.drop_index(batch_op.f('ix_spending_requests_department_id'))
        batch_op.drop_index('ix_spending_requests_budget')
        batch_op.drop_index(batch_op.f('ix_spending_requests_approval_retry_at'))

    op.drop_table('spending_requests')
    with op.batch_alter_table('expense_claims', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_expense_claims_status'))
        batch_op.drop_index(batch_op.f('ix_expense_claims_employee_id'))
        batch_op.drop_index(batch_op.f('ix_expense_claims_approval_retry_at'))

    op.drop_table('expense_claims')
    op.drop_table('expense_categories')
