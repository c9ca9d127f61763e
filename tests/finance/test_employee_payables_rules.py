"""What an entry's lines make finance owe each employee (pure), and when a payable may be paid."""

import uuid
from datetime import date
from decimal import Decimal

import pytest

from services.finance.db.employee_payables import EmployeePayable
from services.finance.domain.employee_payables import (
    Owed,
    PostedLine,
    check_payable,
    owed_by_employee,
)
from shared.kit.errors import DomainError

A, B = uuid.uuid4(), uuid.uuid4()
Z = Decimal("0")


def line(
    account: str, debit: str = "0", credit: str = "0", who: uuid.UUID | None = A
) -> PostedLine:
    return PostedLine(account, Decimal(debit), Decimal(credit), who)


def test_an_advance_is_owed_in_full() -> None:
    assert owed_by_employee([line("1221", debit="1000"), line("2241", credit="1000")]) == [
        Owed(A, "2241", Decimal("1000"))
    ]


def test_a_reimbursement_is_owed_less_its_advance_offset() -> None:
    lines = [
        line("6602.02", debit="900"),
        line("2241", credit="900"),
        line("6602.02", debit="600"),
        line("2241", credit="600"),
        line("2241", debit="1000"),
        line("1221", credit="1000"),
    ]
    assert owed_by_employee(lines) == [Owed(A, "2241", Decimal("500"))]


@pytest.mark.parametrize(("offset", "owed"), [("799.99", "0.01"), ("800", "0"), ("800.01", "0")])
def test_an_offset_at_or_over_the_expenses_owes_nothing(offset: str, owed: str) -> None:
    lines = [line("2241", credit="800"), line("2241", debit=offset)]
    assert owed_by_employee(lines) == [Owed(A, "2241", Decimal(owed))]


def test_only_2241_credits_for_an_employee_make_a_payable() -> None:
    lines = [
        line("2241", credit="100", who=None),  # no employee
        line("2202", credit="100"),  # a supplier's payable
        line("2241", debit="50", who=B),  # only a debit for B: nothing owed to B
        line("1221", credit="50", who=B),
    ]
    assert owed_by_employee(lines) == []


def test_each_employee_is_owed_their_own_on_the_largest_sub_account() -> None:
    lines = [
        line("2241.01", credit="10", who=B),
        line("2241", credit="300"),
        line("2241.02", credit="40", who=B),
        line("2241", debit="100"),
    ]
    assert owed_by_employee(lines) == [
        Owed(B, "2241.02", Decimal("50")),
        Owed(A, "2241", Decimal("200")),
    ]


def payable(status: str, amount: str = "100.00") -> EmployeePayable:
    return EmployeePayable(
        employee_id=A,
        status=status,
        amount=Decimal(amount),
        amount_paid=Z,
        occurred_on=date(2026, 3, 2),
    )


@pytest.mark.parametrize(
    ("status", "paid_on", "code"),
    [
        ("paid", date(2026, 3, 2), "employee_payable_paid"),
        ("settled", date(2026, 3, 2), "employee_payable_settled"),
    ],
)
def test_refusals(status: str, paid_on: date, code: str) -> None:
    with pytest.raises(DomainError) as refused:
        check_payable(payable(status), paid_on=paid_on)
    assert refused.value.code == code


@pytest.mark.parametrize("paid_on", [date(2026, 3, 1), date(2026, 3, 2), date(2026, 3, 3)])
def test_an_open_payable_is_paid_any_day(paid_on: date) -> None:
    check_payable(payable("open"), paid_on=paid_on)  # an advance is paid before its trip
