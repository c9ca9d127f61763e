"""Wire shapes of what finance owes employees from posted facts, and paying it."""

import uuid
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

from services.finance.schemas.budgets import examples, read_examples
from shared.contracts.money import Money

PayableStatus = Literal["open", "paid", "settled"]
StatusFilter = Literal["open", "paid", "settled"]

PAYABLE_EXAMPLE = {
    "id": "0193a8c0-0000-7000-8000-00000000e601",
    "employee_id": "0193a8c0-0000-7000-8000-0000000000e1",
    "fact_type": "logistics.reimbursement.approved",
    "source_id": "0193a8c0-0000-7000-8000-00000000c301",
    "fact_id": "0193a8c0-0000-7000-8000-00000000f101",
    "entry_id": "0193a8c0-0000-7000-8000-00000000e501",
    "account_code": "2241",
    "occurred_on": "2026-03-06",
    "memo": "差旅报销 北京 2026-03-02",
    "amount": "500.00",
    "amount_paid": "500.00",
    "amount_due": "0.00",
    "status": "paid",
    "payment_entry_id": "0193a8c0-0000-7000-8000-00000000e502",
    "paid_on": "2026-03-10",
    "paid_by": "0193a8c0-0000-7000-8000-00000000a001",
    "version": 2,
    "created_at": "2026-03-06T09:00:00Z",
    "updated_at": "2026-03-10T10:00:00Z",
}


class PayableRead(BaseModel):
    """What one posted fact made finance owe an employee, and whether it was paid."""

    model_config = read_examples(PAYABLE_EXAMPLE)

    id: uuid.UUID
    employee_id: uuid.UUID
    fact_type: str = Field(description="The posted fact, e.g. `logistics.travel_advance.approved`.")
    source_id: str = Field(description="The fact's source id (the trip, the reimbursement).")
    fact_id: uuid.UUID = Field(description="The consumed fact (`GET /posting-facts/{id}`).")
    entry_id: uuid.UUID = Field(description="The fact's journal entry.")
    account_code: str = Field(description="The other-payables account (2241) it was owed on.")
    occurred_on: date
    memo: str
    amount: Money = Field(
        description="What the fact made finance owe: its credits to 2241 for the employee less "
        "its debits (a reimbursement's advance offset)."
    )
    amount_paid: Money
    amount_due: Money = Field(description="What is still to pay (amount − amount paid).")
    status: PayableStatus = Field(
        description="`open` (owed), `paid`, or `settled` (nothing was owed: an advance covered it)."
    )
    payment_entry_id: uuid.UUID | None
    paid_on: date | None
    paid_by: str | None
    version: int
    created_at: datetime
    updated_at: datetime


class PayablePayment(BaseModel):
    """Paying a payable: all that is owed, on a day (today by default)."""

    model_config = examples({"paid_on": "2026-03-10"}, {})

    paid_on: date | None = Field(default=None, description="Today by default.")
