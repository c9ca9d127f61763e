"""Business facts: what another service tells finance so that it posts an entry.

A fact is an event payload like any other, published on its service's feed under its own type:
its model subclasses :class:`PostingFact` and is registered with ``event_contract`` in the
publishing service's events module (``shared/contracts/logistics_events.py``,
``logistics_travel_events.py``, ``hr_…``). finance follows those feeds and posts **every event
whose registered contract subclasses PostingFact** — a new fact type needs a contract and
finance's posting rules, never code in finance. Each fact is posted exactly once per
(fact type, ``source_id``), however often it is delivered, through the rule table
(``/api/v1/finance/posting-rules``): the rule for (fact type, component[, category]) names the
debit and credit accounts, which dimensions to keep and the cash-flow item of a cash side. A
fact finance cannot map (no active rule for a component) or whose entry the ledger refuses (a
closed period, an inactive account) is parked as a posting exception
(``/api/v1/finance/posting-exceptions``) for finance to resolve — never dropped, never blocking
the facts after it (docs/services/finance-posting.md).

The fact types finance expects, and the components its default rules map
(:data:`FACT_TYPES`; the rules themselves are data finance edits):

``logistics.purchase.received`` — supplies received from a supplier (a payable): ``goods``
    per supply category (``stationery``, ``paper``… → 1411 周转材料; ``office`` → 6602.03 办公费;
    ``fixed_asset`` → 1601 固定资产) and ``input_vat`` (→ 2221.01.01 进项税额), all against 2202
    应付账款; ``party_id`` is the supplier.
``logistics.reimbursement.approved`` — an employee's travel expenses approved for reimbursement:
    ``travel_expense`` (any category: ``hotel``, ``transport``, ``meals``…) → 6602.02 差旅费
    against 2241 其他应付款 (owed to the employee), and ``advance_offset`` (the advance the trip
    already had) 2241 against 1221 其他应收款.
``logistics.travel_advance.approved`` — cash advanced to an employee before a trip:
    ``advance`` → 1221 其他应收款 against 2241 (owed to the employee until it is paid).
``hr.payroll_run.posted`` — a month's payroll (for hr's payroll, which does not publish yet):
    ``wages`` 6602.01 工资 against 2211.01 wages payable; ``social_insurance_employer`` and
    ``housing_fund_employer`` 6602.01 against 2211.02 / 2211.03; withholdings from the wages
    ``social_insurance_employee`` and ``housing_fund_employee`` 2211.01 against 2211.02 /
    2211.03, ``iit_withheld`` 2211.01 against 2221.03 个人所得税; ``net_pay`` (when the run is
    paid) 2211.01 against 1002 银行存款 with the cash-flow item ``employee_payments``
    (支付给职工以及为职工支付的现金).

Rules are found by (fact type, component, category), else (fact type, component); a component
without either is parked. Dimensions: ``department_id`` (the department charged),
``employee_id`` (the employee owed or owing), ``party_id`` (the supplier or customer),
``project``.

The amounts are exact money, written as strings with two decimal places, never negative; a
zero amount posts no line (a fact needs at least one positive amount).
"""

import uuid
from datetime import date
from decimal import Decimal
from typing import Annotated

from pydantic import Field, field_validator, model_validator

from shared.contracts.events import EventPayload, event_contract
from shared.contracts.money import Money

FACT_TYPES: dict[str, str] = {
    "logistics.purchase.received": "goods or services received from a supplier (a payable)",
    "logistics.reimbursement.approved": "travel expenses approved for reimbursement",
    "logistics.travel_advance.approved": "cash advanced to an employee before a trip",
    "hr.payroll_run.posted": "a month's payroll: wages, contributions and withholdings",
}
"""The fact types finance's default rules map (what each is); any other ``PostingFact``
contract is consumed too, and parked until finance adds its rules."""


class FactComponent(EventPayload):
    """One amount of a fact, named by its component (``goods``, ``input_vat``, ``wages``…).

    The rule for (fact type, component, category) decides the accounts; the dimensions here are
    copied onto the entry's lines as the rule says.
    """

    component: Annotated[str, Field(min_length=1, max_length=60, pattern=r"^[a-z][a-z0-9_]*$")]
    amount: Money = Field(description="Exact, never negative, two decimal places.")
    category: Annotated[str | None, Field(min_length=1, max_length=60)] = Field(
        default=None,
        description="A finer key a rule may match (an expense category such as ``travel``); "
        "a rule for the category wins over the component's general rule.",
    )
    department_id: uuid.UUID | None = None
    employee_id: uuid.UUID | None = None
    party_id: uuid.UUID | None = None
    project: Annotated[str | None, Field(max_length=60)] = None
    description: Annotated[str | None, Field(max_length=200)] = None

    @field_validator("amount")
    @classmethod
    def _not_negative(cls, amount: Decimal) -> Decimal:
        if amount < 0:
            raise ValueError("a component's amount is never negative")
        return amount


class PostingFact(EventPayload):
    """A business fact finance posts: the base of every fact's payload."""

    source_id: Annotated[str, Field(min_length=1, max_length=100)] = Field(
        description="The publishing record's id; with the fact type it makes the fact unique "
        "(finance posts a fact once however often it is delivered)."
    )
    occurred_on: date = Field(description="The entry's date (the period it posts into).")
    memo: Annotated[str, Field(min_length=1, max_length=200)]
    currency: Annotated[str, Field(pattern=r"^CNY$")] = "CNY"
    components: list[FactComponent] = Field(min_length=1, max_length=500)

    @model_validator(mode="after")
    def _something_to_post(self) -> "PostingFact":
        if not any(component.amount > 0 for component in self.components):
            raise ValueError("a fact needs at least one component with a positive amount")
        return self


@event_contract("hr.payroll_run.posted")
class PayrollRunPosted(PostingFact):
    """A month's payroll run was posted by hr: its wages, the employer's contributions and what
    was withheld, by department (and employee where it matters), for finance to accrue.

    Declared here, with the shapes finance accepts, until hr's payroll publishes it: hr
    publishes this model (it imports it rather than declaring the type again). ``source_id``
    is the run's id; the components are those of the module docstring.
    """

    run_id: uuid.UUID
    year: int = Field(ge=2000, le=2100)
    month: int = Field(ge=1, le=12)
