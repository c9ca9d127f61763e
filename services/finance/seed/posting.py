"""Reference data of finance for posting: the default posting rules of the facts it expects.

Accounts are those of the seeded chart (docs/services/finance-ledger.md). Data, not code:
finance edits, deactivates and adds rules; a later load only adds a rule whose
(fact type, component, category) has none. Demo data: one payroll fact with a component no
rule maps (an annual bonus), parked as a posting exception for finance to resolve; it posts
nothing, so the demo's statements are not touched.
"""

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.finance.db.posting import DIMENSIONS, Dimension, PostingRule
from services.finance.domain.posting import post_fact
from shared.contracts.posting_facts import FactComponent, PayrollRunPosted

ALL: tuple[Dimension, ...] = DIMENSIONS
PURCHASE = "logistics.purchase.received"
REIMBURSEMENT = "logistics.reimbursement.approved"
ADVANCE = "logistics.travel_advance.approved"
PAYROLL = "hr.payroll_run.posted"


@dataclass(frozen=True)
class DefaultRule:
    """One default rule."""

    fact_type: str
    component: str
    category: str | None
    debit: str
    credit: str
    description: str
    dimensions: tuple[Dimension, ...] = ALL
    cash_flow_item: str | None = None


DEFAULT_RULES: tuple[DefaultRule, ...] = (
    # purchases received: the goods (or an office expense) and the input VAT, owed to the supplier
    DefaultRule(PURCHASE, "goods", None, "1411", "2202", "采购入库：周转材料，应付供应商"),
    DefaultRule(PURCHASE, "goods", "office", "6602.03", "2202", "办公用品采购：管理费用—办公费"),
    DefaultRule(PURCHASE, "goods", "fixed_asset", "1601", "2202", "采购固定资产"),
    DefaultRule(
        PURCHASE,
        "input_vat",
        None,
        "2221.01.01",
        "2202",
        "采购进项税额",
        ("party", "department"),
    ),
    # travel: the expense owed to the employee, and the advance it settles
    DefaultRule(REIMBURSEMENT, "travel_expense", None, "6602.02", "2241", "差旅费报销：应付员工"),
    DefaultRule(
        REIMBURSEMENT,
        "advance_offset",
        None,
        "2241",
        "1221",
        "差旅借款冲抵报销款",
        ("employee", "department"),
    ),
    DefaultRule(
        ADVANCE,
        "advance",
        None,
        "1221",
        "2241",
        "差旅借款：其他应收款—员工",
        ("employee", "department", "project"),
    ),
    # payroll: cost by department, withholdings from the wages, the net pay when it is paid
    DefaultRule(PAYROLL, "wages", None, "6602.01", "2211.01", "计提工资"),
    DefaultRule(
        PAYROLL, "social_insurance_employer", None, "6602.01", "2211.02", "计提单位社会保险费"
    ),
    DefaultRule(PAYROLL, "housing_fund_employer", None, "6602.01", "2211.03", "计提单位住房公积金"),
    DefaultRule(
        PAYROLL, "social_insurance_employee", None, "2211.01", "2211.02", "代扣个人社会保险费"
    ),
    DefaultRule(PAYROLL, "housing_fund_employee", None, "2211.01", "2211.03", "代扣个人住房公积金"),
    DefaultRule(PAYROLL, "iit_withheld", None, "2211.01", "2221.03", "代扣个人所得税"),
    DefaultRule(
        PAYROLL,
        "net_pay",
        None,
        "2211.01",
        "1002",
        "发放工资",
        ("department", "employee"),
        "employee_payments",
    ),
)


async def load(session: AsyncSession, *, demo: bool) -> None:
    """Add the default rules that are missing (never overwrite what finance changed)."""
    existing = {
        (rule.fact_type, rule.component, rule.category)
        for rule in (await session.scalars(select(PostingRule))).all()
    }
    for default in DEFAULT_RULES:
        if (default.fact_type, default.component, default.category) in existing:
            continue
        session.add(
            PostingRule(
                fact_type=default.fact_type,
                component=default.component,
                category=default.category,
                debit_account=default.debit,
                credit_account=default.credit,
                keep_department="department" in default.dimensions,
                keep_employee="employee" in default.dimensions,
                keep_party="party" in default.dimensions,
                keep_project="project" in default.dimensions,
                cash_flow_item=default.cash_flow_item,
                description=default.description,
                active=True,
                created_by="seed",
            )
        )
    await session.flush()
    if demo:
        await _demo_parked_fact(session)


async def _demo_parked_fact(session: AsyncSession) -> None:
    """A payroll fact whose annual bonus has no rule yet: an open posting exception."""
    today = date.today()
    fact = PayrollRunPosted(
        source_id=f"demo-payroll-{today.year}-bonus",
        occurred_on=today.replace(day=1),
        memo=f"{today.year}年度年终奖（演示）",
        components=[FactComponent(component="annual_bonus", amount=Decimal("36000.00"))],
        run_id=uuid.uuid5(uuid.NAMESPACE_URL, f"officina-demo-payroll-{today.year}"),
        year=today.year,
        month=today.month,
    )
    await post_fact(session, PAYROLL, fact, actor="seed")
