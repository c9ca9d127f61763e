"""Payloads of the events finance publishes about budgets, expense claims and spending requests."""

import uuid
from datetime import date

from pydantic import Field

from shared.contracts.events import EventPayload, event_contract
from shared.contracts.money import Money

# ---- budgets --------------------------------------------------------------------------------


class BudgetEvent(EventPayload):
    """A department's budget for a fiscal year, as it is after the change."""

    year: int
    department_id: uuid.UUID
    status: str = Field(description="draft, submitted, approved, rejected or approval_refused.")
    total: Money = Field(description="The sum of the budget's lines.")


@event_contract("finance.budget.submitted")
class BudgetSubmitted(BudgetEvent):
    """A budget went to its ``budget`` approval in workflow."""


@event_contract("finance.budget.approved")
class BudgetApproved(BudgetEvent):
    """A budget was approved: it is allocated, its lines are now control figures."""


@event_contract("finance.budget.rejected")
class BudgetRejected(BudgetEvent):
    """A budget's approval was rejected (or workflow refused to start it); it may be changed
    and submitted again."""

    reason: str


@event_contract("finance.budget.revised")
class BudgetRevised(BudgetEvent):
    """A revision of an approved budget was approved and its deltas applied."""

    revision_id: uuid.UUID
    reason: str
    delta: Money = Field(
        description="What the revision added to the budget's total (may be negative)."
    )


# ---- expense claims -------------------------------------------------------------------------


class ExpenseClaimEvent(EventPayload):
    """An expense claim as it is after the change."""

    employee_id: uuid.UUID
    year: int
    total: Money
    status: str = Field(
        description="submitted, approved, over_budget, rejected, withdrawn, approval_refused or paid."
    )
    department_ids: list[uuid.UUID] = Field(description="The departments its lines charge.")


@event_contract("finance.expense_claim.submitted")
class ExpenseClaimSubmitted(ExpenseClaimEvent):
    """An employee filed a claim; its ``expense_claim`` approval follows."""


@event_contract("finance.expense_claim.approved")
class ExpenseClaimApproved(ExpenseClaimEvent):
    """The claim was approved within budget (or over it by finance's override): its entry is
    posted and the employee is owed the total."""

    journal_entry_id: uuid.UUID | None
    overridden: bool = Field(description="Approved over budget by finance, with a reason.")


@event_contract("finance.expense_claim.over_budget")
class ExpenseClaimOverBudget(ExpenseClaimEvent):
    """workflow approved the claim but the budget no longer covers it: finance decides."""


@event_contract("finance.expense_claim.rejected")
class ExpenseClaimRejected(ExpenseClaimEvent):
    """The claim was rejected (in workflow, or by finance when over budget)."""

    reason: str


@event_contract("finance.expense_claim.withdrawn")
class ExpenseClaimWithdrawn(ExpenseClaimEvent):
    """The employee withdrew the claim before it was decided."""


@event_contract("finance.expense_claim.paid")
class ExpenseClaimPaid(ExpenseClaimEvent):
    """The claim was paid to the employee; the payment is posted."""

    payment_entry_id: uuid.UUID
    paid_on: date


# ---- spending requests ----------------------------------------------------------------------


class SpendingRequestEvent(EventPayload):
    """A spending request as it is after the change."""

    requester_id: uuid.UUID
    department_id: uuid.UUID
    account_code: str
    amount: Money
    expected_date: date
    status: str = Field(
        description="submitted, approved, over_budget, rejected, withdrawn, approval_refused or closed."
    )


@event_contract("finance.spending_request.submitted")
class SpendingRequestSubmitted(SpendingRequestEvent):
    """A spending request was filed; its ``purchase`` approval follows."""


@event_contract("finance.spending_request.approved")
class SpendingRequestApproved(SpendingRequestEvent):
    """Approved within budget (or over it by finance's override): the amount is committed."""

    overridden: bool


@event_contract("finance.spending_request.over_budget")
class SpendingRequestOverBudget(SpendingRequestEvent):
    """workflow approved it but the budget no longer covers it: finance decides."""


@event_contract("finance.spending_request.rejected")
class SpendingRequestRejected(SpendingRequestEvent):
    """Rejected (in workflow, or by finance when over budget)."""

    reason: str


@event_contract("finance.spending_request.withdrawn")
class SpendingRequestWithdrawn(SpendingRequestEvent):
    """The requester withdrew it before it was decided."""


@event_contract("finance.spending_request.closed")
class SpendingRequestClosed(SpendingRequestEvent):
    """The spending happened (or will not): the commitment is released."""

    journal_entry_id: uuid.UUID | None
