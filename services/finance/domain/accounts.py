"""The chart of accounts: CAS first-level accounts and the sub-accounts finance adds.

Codes are the identity of an account (``6602``, ``6602.02``, ``2221.01.01``): a sub-account's
code is its parent's code and a two-digit suffix, and it inherits the parent's category and
normal side. Only active leaf accounts take postings. An account with postings is never
deleted, only deactivated; an account that has postings gets no sub-accounts (its balance
would sit on a non-leaf account).
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.finance.db.ledger import Account, AccountBalance, CashFlowItem, JournalLine
from shared.contracts.finance_events import AccountCreated, AccountUpdated
from shared.kit.errors import Conflict, Unprocessable, not_found
from shared.kit.outbox import record_event

CASH_ACCOUNTS = ("1001", "1002", "1012")
"""库存现金, 银行存款, 其他货币资金: lines on these (and their sub-accounts) carry a cash-flow item."""

CODE_PATTERN = r"^\d{4}(\.\d{2}){0,3}$"
_CODE = re.compile(CODE_PATTERN)
SUBJECT_TYPE = "account"


def is_cash_account(code: str) -> bool:
    """True for 1001, 1002, 1012 and their sub-accounts."""
    return code.split(".", 1)[0] in CASH_ACCOUNTS


def parent_of(code: str) -> str | None:
    """The code of the account above ``code`` (None for a first-level account)."""
    head, dot, _ = code.rpartition(".")
    return head if dot else None


def valid_code(code: str) -> bool:
    """True for a first-level code of four digits or a sub-account code (up to four levels)."""
    return bool(_CODE.match(code))


def next_child_code(parent_code: str, taken: Iterable[str]) -> str:
    """The first free two-digit suffix under ``parent_code`` (``.01`` … ``.99``)."""
    used = set(taken)
    for number in range(1, 100):
        candidate = f"{parent_code}.{number:02d}"
        if candidate not in used:
            return candidate
    raise Conflict(
        f"account {parent_code} has 99 sub-accounts already", code="account_has_children"
    )


async def get(session: AsyncSession, code: str) -> Account:
    """An account by code (404 otherwise)."""
    account = await session.scalar(select(Account).where(Account.code == code))
    if account is None:
        raise not_found("account", code)
    return account


async def has_postings(session: AsyncSession, code: str) -> bool:
    """True when any entry (a draft too) has a line on this account."""
    return bool(
        await session.scalar(
            select(
                exists().where(JournalLine.account_code == code)
                | exists().where(AccountBalance.account_code == code)
            )
        )
    )


@dataclass(frozen=True)
class NewSubAccount:
    """What finance gives for a sub-account; ``code`` None takes the next free suffix."""

    parent_code: str
    name: str
    name_en: str
    code: str | None = None


async def create_sub_account(session: AsyncSession, new: NewSubAccount) -> Account:
    """Add a sub-account under an existing account (which stops being a leaf)."""
    parent = await session.scalar(select(Account).where(Account.code == new.parent_code))
    if parent is None:
        raise Unprocessable(
            f"there is no account {new.parent_code} to add a sub-account to",
            code="unknown_account",
        )
    children = (
        await session.scalars(select(Account.code).where(Account.parent_code == parent.code))
    ).all()
    code = new.code if new.code is not None else next_child_code(parent.code, children)
    if not valid_code(code) or parent_of(code) != parent.code:
        raise Unprocessable(
            f"a sub-account of {parent.code} is coded {parent.code}.NN, not {code}",
            code="invalid_account_code",
        )
    if await session.scalar(select(Account.id).where(Account.code == code)) is not None:
        raise Conflict(f"account {code} already exists", code="duplicate_account")
    if parent.is_leaf and await has_postings(session, parent.code):
        raise Conflict(
            f"account {parent.code} has postings; a sub-account would leave them on a "
            "non-leaf account",
            code="account_has_postings",
        )
    account = Account(
        code=code,
        name=new.name,
        name_en=new.name_en,
        category=parent.category,
        normal_side=parent.normal_side,
        parent_code=parent.code,
        level=parent.level + 1,
        is_leaf=True,
        active=True,
    )
    session.add(account)
    if parent.is_leaf:
        parent.is_leaf = False
    await session.flush()
    await _record(session, "finance.account.created", account)
    return account


async def update(
    session: AsyncSession,
    account: Account,
    *,
    name: str | None = None,
    name_en: str | None = None,
    active: bool | None = None,
) -> Account:
    """Rename, deactivate or reactivate an account. Deactivating one with active sub-accounts
    is refused; reactivating one under an inactive parent too."""
    if active is False and account.active:
        active_child = await session.scalar(
            select(Account.code).where(Account.parent_code == account.code, Account.active)
        )
        if active_child is not None:
            raise Conflict(
                f"account {account.code} has the active sub-account {active_child}; "
                "deactivate that first",
                code="account_has_children",
            )
    if active is True and not account.active and account.parent_code is not None:
        parent = await get(session, account.parent_code)
        if not parent.active:
            raise Conflict(
                f"account {account.code} is under the inactive account {parent.code}; "
                "reactivate that first",
                code="account_has_children",
            )
    changed = False
    for field, value in (("name", name), ("name_en", name_en), ("active", active)):
        if value is not None and getattr(account, field) != value:
            setattr(account, field, value)
            changed = True
    if changed:
        await session.flush()
        await _record(session, "finance.account.updated", account)
    return account


async def delete(session: AsyncSession, account: Account) -> None:
    """Remove an account without postings or sub-accounts (its parent may become a leaf)."""
    if await session.scalar(select(Account.id).where(Account.parent_code == account.code)):
        raise Conflict(f"account {account.code} has sub-accounts", code="account_has_children")
    if await has_postings(session, account.code):
        raise Conflict(
            f"account {account.code} has postings; deactivate it instead",
            code="account_has_postings",
        )
    parent_code = account.parent_code
    await session.delete(account)
    await session.flush()
    if parent_code is not None:
        siblings = await session.scalar(
            select(func.count()).select_from(Account).where(Account.parent_code == parent_code)
        )
        if not siblings:
            parent = await get(session, parent_code)
            parent.is_leaf = True
            await session.flush()


async def postable(session: AsyncSession, codes: Iterable[str]) -> dict[str, Account]:
    """The accounts of ``codes``, each an active leaf (422 otherwise)."""
    wanted = sorted(set(codes))
    found = {
        account.code: account
        for account in (await session.scalars(select(Account).where(Account.code.in_(wanted))))
    }
    for code in wanted:
        account = found.get(code)
        if account is None:
            raise Unprocessable(f"there is no account {code}", code="unknown_account")
        if not account.is_leaf:
            raise Unprocessable(
                f"account {code} has sub-accounts; post to one of them",
                code="account_not_postable",
            )
        if not account.active:
            raise Unprocessable(f"account {code} is inactive", code="account_not_postable")
    return found


async def known(session: AsyncSession, codes: Iterable[str]) -> None:
    """422 ``unknown_account`` for a code that is not in the chart (a draft may name any
    account of the chart; posting needs active leaves)."""
    wanted = set(codes)
    found = set(await session.scalars(select(Account.code).where(Account.code.in_(wanted))))
    missing = sorted(wanted - found)
    if missing:
        raise Unprocessable(f"there is no account {missing[0]}", code="unknown_account")


async def cash_flow_items(session: AsyncSession, codes: Iterable[str]) -> set[str]:
    """Those of ``codes`` that are cash-flow items (422 for one that is not)."""
    wanted = set(codes)
    if not wanted:
        return set()
    found = set(
        await session.scalars(select(CashFlowItem.code).where(CashFlowItem.code.in_(wanted)))
    )
    missing = sorted(wanted - found)
    if missing:
        raise Unprocessable(
            f"there is no cash-flow item {missing[0]}", code="invalid_cash_flow_item"
        )
    return found


async def _record(session: AsyncSession, event_type: str, account: Account) -> None:
    model = AccountCreated if event_type == "finance.account.created" else AccountUpdated
    await record_event(
        session,
        event_type,
        subject_type=SUBJECT_TYPE,
        subject_id=account.code,
        data=model(
            code=account.code,
            name=account.name,
            name_en=account.name_en,
            category=account.category,
            normal_side=account.normal_side,
            parent_code=account.parent_code,
            is_leaf=account.is_leaf,
            active=account.active,
        ),
    )
