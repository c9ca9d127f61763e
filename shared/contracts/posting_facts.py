"""Business facts: what another service (or finance itself) tells finance so that it posts an entry.

A fact is an event payload like any other, published on its service's feed under its own type
(``logistics.purchase.received``, ``logistics.reimbursement.approved``, ``hr.payroll_run.posted``,
…): its model subclasses :class:`PostingFact` and is registered with ``event_contract`` in the
publishing service's events module. finance consumes the facts it knows, exactly once, and turns
each into a journal entry through its posting rules (``/api/v1/finance/posting-rules``): the rule
for (fact type, component) names the debit and credit accounts and which dimensions to keep. A
fact finance cannot map is parked as a posting exception, never dropped (docs/services/finance.md).

The amounts are exact money, written as strings with two decimal places.
"""

import uuid
from datetime import date
from typing import Annotated

from pydantic import Field

from shared.contracts.events import EventPayload
from shared.contracts.money import Money


class FactComponent(EventPayload):
    """One amount of a fact, named by its component (``amount``, ``tax``, ``advance``, ``wages``…).

    The rule for (fact type, component) decides the accounts; the dimensions here are copied onto
    the entry's lines as the rule says.
    """

    component: Annotated[str, Field(min_length=1, max_length=60, pattern=r"^[a-z][a-z0-9_]*$")]
    amount: Money = Field(description="Exact, positive, two decimal places.")
    category: Annotated[str | None, Field(max_length=60)] = Field(
        default=None,
        description="A finer key a rule may match (an expense category such as ``travel``); "
        "a rule for the category wins over the component's general rule.",
    )
    department_id: uuid.UUID | None = None
    employee_id: uuid.UUID | None = None
    party_id: uuid.UUID | None = None
    project: Annotated[str | None, Field(max_length=60)] = None
    description: Annotated[str | None, Field(max_length=200)] = None


class PostingFact(EventPayload):
    """A business fact finance posts: the base of every fact's payload."""

    source_id: Annotated[str, Field(min_length=1, max_length=100)] = Field(
        description="The publishing record's id; with the fact type it makes the fact unique "
        "(finance posts a fact once however often it is delivered)."
    )
    occurred_on: date = Field(description="The entry's date (the period it posts into).")
    memo: Annotated[str, Field(max_length=200)]
    currency: Annotated[str, Field(pattern=r"^CNY$")] = "CNY"
    components: list[FactComponent] = Field(min_length=1, max_length=500)
