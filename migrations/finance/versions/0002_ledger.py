"""accounts, periods, journal entries and lines, period balances

The ledger's rule that every posted entry balances is held here too, by triggers on both
databases: an entry is inserted as a draft and may become ``posted`` only when it has two or
more lines whose debits equal its credits; a posted entry and its lines never change again
(only the link to the entry that reverses it may be set, once); a posted entry is never
deleted. Check constraints on the lines: amounts are not negative and exactly one side is
positive.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30 17:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UNBALANCED = (
    "entry_unbalanced: a posted journal entry needs two or more lines "
    "whose debits equal its credits"
)
INSERTED_POSTED = (
    "entry_unbalanced: a journal entry is written as a draft and posted after its lines"
)
POSTED = "entry_posted: a posted journal entry and its lines never change"

POSTGRES_UP = [
    f"""
CREATE FUNCTION journal_entry_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    line_count integer;
    debits numeric;
    credits numeric;
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.status = 'posted' THEN
            RAISE EXCEPTION '{POSTED}' USING ERRCODE = 'check_violation';
        END IF;
        RETURN OLD;
    END IF;
    IF TG_OP = 'INSERT' THEN
        IF NEW.status = 'posted' THEN
            RAISE EXCEPTION '{INSERTED_POSTED}' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END IF;
    IF OLD.status = 'posted' THEN
        IF NEW.status IS DISTINCT FROM OLD.status
            OR NEW.entry_date IS DISTINCT FROM OLD.entry_date
            OR NEW.year IS DISTINCT FROM OLD.year
            OR NEW.month IS DISTINCT FROM OLD.month
            OR NEW.memo IS DISTINCT FROM OLD.memo
            OR NEW.source IS DISTINCT FROM OLD.source
            OR NEW.source_id IS DISTINCT FROM OLD.source_id
            OR NEW.voucher_seq IS DISTINCT FROM OLD.voucher_seq
            OR NEW.voucher_number IS DISTINCT FROM OLD.voucher_number
            OR NEW.total IS DISTINCT FROM OLD.total
            OR NEW.reverses_id IS DISTINCT FROM OLD.reverses_id
            OR (OLD.reversed_by_id IS NOT NULL
                AND NEW.reversed_by_id IS DISTINCT FROM OLD.reversed_by_id)
        THEN
            RAISE EXCEPTION '{POSTED}' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END IF;
    IF NEW.status = 'posted' THEN
        SELECT count(*), coalesce(sum(debit), 0), coalesce(sum(credit), 0)
            INTO line_count, debits, credits
            FROM journal_lines WHERE entry_id = NEW.id;
        IF line_count < 2 OR debits <> credits THEN
            RAISE EXCEPTION '{UNBALANCED} (% lines, debits %, credits %)',
                line_count, debits, credits USING ERRCODE = 'check_violation';
        END IF;
    END IF;
    RETURN NEW;
END
$$
""",
    """
CREATE TRIGGER journal_entries_guard BEFORE INSERT OR UPDATE OR DELETE ON journal_entries
FOR EACH ROW EXECUTE FUNCTION journal_entry_guard()
""",
    f"""
CREATE FUNCTION journal_line_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- FOR SHARE waits for a posting of the entry in flight and then sees it posted.
    IF TG_OP IN ('UPDATE', 'DELETE') AND EXISTS (
        SELECT 1 FROM journal_entries WHERE id = OLD.entry_id AND status = 'posted' FOR SHARE
    ) THEN
        RAISE EXCEPTION '{POSTED}' USING ERRCODE = 'check_violation';
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND EXISTS (
        SELECT 1 FROM journal_entries WHERE id = NEW.entry_id AND status = 'posted' FOR SHARE
    ) THEN
        RAISE EXCEPTION '{POSTED}' USING ERRCODE = 'check_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END
$$
""",
    """
CREATE TRIGGER journal_lines_guard BEFORE INSERT OR UPDATE OR DELETE ON journal_lines
FOR EACH ROW EXECUTE FUNCTION journal_line_guard()
""",
]

POSTGRES_DOWN = [
    "DROP TRIGGER IF EXISTS journal_lines_guard ON journal_lines",
    "DROP FUNCTION IF EXISTS journal_line_guard()",
    "DROP TRIGGER IF EXISTS journal_entries_guard ON journal_entries",
    "DROP FUNCTION IF EXISTS journal_entry_guard()",
]

_POSTED_CHANGED = """
    NEW.status IS NOT OLD.status
    OR NEW.entry_date IS NOT OLD.entry_date
    OR NEW.year IS NOT OLD.year
    OR NEW.month IS NOT OLD.month
    OR NEW.memo IS NOT OLD.memo
    OR NEW.source IS NOT OLD.source
    OR NEW.source_id IS NOT OLD.source_id
    OR NEW.voucher_seq IS NOT OLD.voucher_seq
    OR NEW.voucher_number IS NOT OLD.voucher_number
    OR NEW.total IS NOT OLD.total
    OR NEW.reverses_id IS NOT OLD.reverses_id
    OR (OLD.reversed_by_id IS NOT NULL AND NEW.reversed_by_id IS NOT OLD.reversed_by_id)
"""

SQLITE_UP = [
    f"""
CREATE TRIGGER journal_entries_insert_draft BEFORE INSERT ON journal_entries
WHEN NEW.status = 'posted'
BEGIN SELECT RAISE(ABORT, '{INSERTED_POSTED}'); END
""",
    # SQLite keeps NUMERIC values as floating point: a half-cent tolerance compares cents.
    f"""
CREATE TRIGGER journal_entries_post_balanced BEFORE UPDATE ON journal_entries
WHEN NEW.status = 'posted' AND OLD.status <> 'posted'
BEGIN
    SELECT RAISE(ABORT, '{UNBALANCED}')
    WHERE (SELECT count(*) FROM journal_lines WHERE entry_id = NEW.id) < 2
       OR abs((SELECT coalesce(sum(debit), 0) - coalesce(sum(credit), 0)
               FROM journal_lines WHERE entry_id = NEW.id)) >= 0.005;
END
""",
    f"""
CREATE TRIGGER journal_entries_posted_frozen BEFORE UPDATE ON journal_entries
WHEN OLD.status = 'posted' AND ({_POSTED_CHANGED})
BEGIN SELECT RAISE(ABORT, '{POSTED}'); END
""",
    f"""
CREATE TRIGGER journal_entries_posted_kept BEFORE DELETE ON journal_entries
WHEN OLD.status = 'posted'
BEGIN SELECT RAISE(ABORT, '{POSTED}'); END
""",
    f"""
CREATE TRIGGER journal_lines_insert_posted BEFORE INSERT ON journal_lines
WHEN (SELECT status FROM journal_entries WHERE id = NEW.entry_id) = 'posted'
BEGIN SELECT RAISE(ABORT, '{POSTED}'); END
""",
    f"""
CREATE TRIGGER journal_lines_update_posted BEFORE UPDATE ON journal_lines
WHEN (SELECT status FROM journal_entries WHERE id = OLD.entry_id) = 'posted'
  OR (SELECT status FROM journal_entries WHERE id = NEW.entry_id) = 'posted'
BEGIN SELECT RAISE(ABORT, '{POSTED}'); END
""",
    f"""
CREATE TRIGGER journal_lines_delete_posted BEFORE DELETE ON journal_lines
WHEN (SELECT status FROM journal_entries WHERE id = OLD.entry_id) = 'posted'
BEGIN SELECT RAISE(ABORT, '{POSTED}'); END
""",
]

SQLITE_DOWN = [
    f"DROP TRIGGER IF EXISTS {name}"
    for name in (
        "journal_lines_delete_posted",
        "journal_lines_update_posted",
        "journal_lines_insert_posted",
        "journal_entries_posted_kept",
        "journal_entries_posted_frozen",
        "journal_entries_post_balanced",
        "journal_entries_insert_draft",
    )
]


def upgrade() -> None:
    op.create_table(
        "account_balances",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("account_code", sa.String(length=20), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Uuid(), nullable=True),
        sa.Column("department_key", sa.String(length=36), nullable=False),
        sa.Column("debit", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("credit", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_balances")),
        sa.UniqueConstraint(
            "account_code",
            "year",
            "month",
            "department_key",
            name=op.f("uq_account_balances_account_code_year_month_department_key"),
        ),
    )
    op.create_index(
        "ix_account_balances_period", "account_balances", ["year", "month"], unique=False
    )
    op.create_table(
        "accounts",
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("normal_side", sa.String(length=6), nullable=False),
        sa.Column("parent_code", sa.String(length=20), nullable=True),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("is_leaf", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "category IN ('asset', 'liability', 'equity', 'cost', 'profit_and_loss')",
            name=op.f("ck_accounts_category"),
        ),
        sa.CheckConstraint(
            "normal_side IN ('debit', 'credit')", name=op.f("ck_accounts_normal_side")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accounts")),
        sa.UniqueConstraint("code", name=op.f("uq_accounts_code")),
    )
    op.create_index(op.f("ix_accounts_parent_code"), "accounts", ["parent_code"], unique=False)
    op.create_table(
        "cash_flow_balances",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("item_code", sa.String(length=40), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("debit", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("credit", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cash_flow_balances")),
        sa.UniqueConstraint(
            "item_code", "year", "month", name=op.f("uq_cash_flow_balances_item_code_year_month")
        ),
    )
    op.create_table(
        "cash_flow_items",
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("section", sa.String(length=10), nullable=False),
        sa.Column("direction", sa.String(length=7), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.CheckConstraint(
            "direction IN ('inflow', 'outflow')", name=op.f("ck_cash_flow_items_direction")
        ),
        sa.CheckConstraint(
            "section IN ('operating', 'investing', 'financing')",
            name=op.f("ck_cash_flow_items_section"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cash_flow_items")),
        sa.UniqueConstraint("code", name=op.f("uq_cash_flow_items_code")),
    )
    op.create_table(
        "journal_entries",
        sa.Column("entry_date", sa.Date(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("memo", sa.String(length=500), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("source_id", sa.String(length=100), nullable=True),
        sa.Column("status", sa.String(length=6), nullable=False),
        sa.Column("voucher_seq", sa.Integer(), nullable=True),
        sa.Column("voucher_number", sa.String(length=20), nullable=True),
        sa.Column("total", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("posted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("posted_by", sa.String(length=200), nullable=True),
        sa.Column("reverses_id", sa.Uuid(), nullable=True),
        sa.Column("reversed_by_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=True),
        sa.CheckConstraint(
            "(status = 'draft' AND voucher_seq IS NULL AND voucher_number IS NULL) OR (status = 'posted' AND voucher_seq IS NOT NULL AND voucher_number IS NOT NULL)",
            name=op.f("ck_journal_entries_voucher_when_posted"),
        ),
        sa.CheckConstraint("status IN ('draft', 'posted')", name=op.f("ck_journal_entries_status")),
        sa.CheckConstraint("month BETWEEN 1 AND 12", name=op.f("ck_journal_entries_month")),
        sa.ForeignKeyConstraint(
            ["reversed_by_id"],
            ["journal_entries.id"],
            name=op.f("fk_journal_entries_reversed_by_id_journal_entries"),
        ),
        sa.ForeignKeyConstraint(
            ["reverses_id"],
            ["journal_entries.id"],
            name=op.f("fk_journal_entries_reverses_id_journal_entries"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journal_entries")),
        sa.UniqueConstraint("reversed_by_id", name=op.f("uq_journal_entries_reversed_by_id")),
        sa.UniqueConstraint("reverses_id", name=op.f("uq_journal_entries_reverses_id")),
        sa.UniqueConstraint("voucher_number", name=op.f("uq_journal_entries_voucher_number")),
        sa.UniqueConstraint(
            "year", "month", "voucher_seq", name=op.f("uq_journal_entries_year_month_voucher_seq")
        ),
    )
    op.create_index(
        "ix_journal_entries_entry_date", "journal_entries", ["entry_date"], unique=False
    )
    op.create_index(
        "ix_journal_entries_period_status",
        "journal_entries",
        ["year", "month", "status"],
        unique=False,
    )
    op.create_index(
        "ix_journal_entries_source", "journal_entries", ["source", "source_id"], unique=False
    )
    op.create_table(
        "periods",
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("ordinal", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=6), nullable=False),
        sa.Column("last_voucher", sa.Integer(), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sa.String(length=200), nullable=True),
        sa.Column("reopened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reopened_by", sa.String(length=200), nullable=True),
        sa.Column("reopen_reason", sa.String(length=2000), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("status IN ('open', 'closed')", name=op.f("ck_periods_status")),
        sa.CheckConstraint("last_voucher >= 0", name=op.f("ck_periods_last_voucher")),
        sa.CheckConstraint("month BETWEEN 1 AND 12", name=op.f("ck_periods_month")),
        sa.CheckConstraint("ordinal = year * 100 + month", name=op.f("ck_periods_ordinal")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_periods")),
        sa.UniqueConstraint("year", "month", name=op.f("uq_periods_year_month")),
        sa.UniqueConstraint("ordinal", name=op.f("uq_periods_ordinal")),
    )
    op.create_table(
        "journal_lines",
        sa.Column("entry_id", sa.Uuid(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("account_code", sa.String(length=20), nullable=False),
        sa.Column("debit", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("credit", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("memo", sa.String(length=500), nullable=True),
        sa.Column("department_id", sa.Uuid(), nullable=True),
        sa.Column("employee_id", sa.Uuid(), nullable=True),
        sa.Column("party_id", sa.Uuid(), nullable=True),
        sa.Column("project", sa.String(length=100), nullable=True),
        sa.Column("cash_flow_item", sa.String(length=40), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.CheckConstraint(
            "(debit > 0 AND credit = 0) OR (credit > 0 AND debit = 0)",
            name=op.f("ck_journal_lines_one_side"),
        ),
        sa.CheckConstraint(
            "debit >= 0 AND credit >= 0", name=op.f("ck_journal_lines_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["account_code"],
            ["accounts.code"],
            name=op.f("fk_journal_lines_account_code_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["cash_flow_item"],
            ["cash_flow_items.code"],
            name=op.f("fk_journal_lines_cash_flow_item_cash_flow_items"),
        ),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["journal_entries.id"],
            name=op.f("fk_journal_lines_entry_id_journal_entries"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journal_lines")),
        sa.UniqueConstraint("entry_id", "line_no", name=op.f("uq_journal_lines_entry_id_line_no")),
    )
    op.create_index(
        op.f("ix_journal_lines_account_code"), "journal_lines", ["account_code"], unique=False
    )
    op.create_index(op.f("ix_journal_lines_entry_id"), "journal_lines", ["entry_id"], unique=False)

    statements = POSTGRES_UP if op.get_bind().dialect.name == "postgresql" else SQLITE_UP
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    statements = POSTGRES_DOWN if op.get_bind().dialect.name == "postgresql" else SQLITE_DOWN
    for statement in statements:
        op.execute(statement)
    op.drop_table("journal_lines")
    op.drop_table("periods")
    op.drop_table("journal_entries")
    op.drop_table("cash_flow_items")
    op.drop_table("cash_flow_balances")
    op.drop_table("accounts")
    op.drop_table("account_balances")
