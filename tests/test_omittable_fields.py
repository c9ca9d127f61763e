"""Fields a change may leave out but not clear are not nullable in the document.

Each service refuses ``null`` for these fields (422 ``validation_error``); if the document
said ``X or null``, a client would be told it may send what the service refuses (schemathesis
found ``PATCH /finance/posting-rules/{id}`` with ``{"active": null}``). Fields that may be
cleared keep their ``null``.
"""

from typing import Any

import pytest
from pydantic import BaseModel

from services.finance.schemas.posting import PostingRuleUpdate
from services.finance.schemas.tax import TaxRegistrationUpdate
from services.logistics.schemas.meetings import ActionItemUpdate
from services.org.schemas import (
    CompanyUpdate,
    ContactUpdate,
    DepartmentUpdate,
    EmployeeUpdate,
    PartyUpdate,
)

NOT_CLEARED: list[tuple[type[BaseModel], set[str], set[str]]] = [
    # model, fields that cannot be cleared, fields that can
    (
        CompanyUpdate,
        {"name", "structure_type", "registered_address", "default_currency"},
        {"unified_social_credit_code"},
    ),
    (DepartmentUpdate, {"code"}, {"name_en", "head_employee_id"}),
    (PartyUpdate, {"kind", "name", "address"}, {"credit_code", "industry", "tier"}),
    (ContactUpdate, {"name"}, {"title", "phone", "email"}),
    (EmployeeUpdate, {"name", "email", "department_id", "status", "hire_date"}, {"phone"}),
    (
        PostingRuleUpdate,
        {"debit_account", "credit_account", "dimensions", "description", "active"},
        {"cash_flow_item"},
    ),
    (ActionItemUpdate, {"title", "owner_employee_id", "status"}, {"due_date"}),
    (
        TaxRegistrationUpdate,
        {"filing_frequency", "payable_account", "effective_from", "note"},
        {"rate", "taxpayer_kind", "effective_to"},
    ),
]


def nullable(schema: dict[str, Any]) -> bool:
    return schema.get("type") == "null" or any(
        branch.get("type") == "null" for branch in schema.get("anyOf", [])
    )


@pytest.mark.parametrize(
    ("model", "kept", "clearable"), NOT_CLEARED, ids=[m.__name__ for m, _, _ in NOT_CLEARED]
)
def test_what_a_change_cannot_clear_is_not_nullable(
    model: type[BaseModel], kept: set[str], clearable: set[str]
) -> None:
    properties = model.model_json_schema()["properties"]
    assert {name for name in kept if nullable(properties[name])} == set()
    assert {name for name in clearable if not nullable(properties[name])} == set()
    assert all("default" not in properties[name] for name in kept)
