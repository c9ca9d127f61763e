"""Financial statements built from balances: pure functions, no database.

A statement is a list of lines (data, editable by finance: ``db/statements.py``). Each line
is a heading, an item or a total:

- an **item** adds its terms: ``account`` (the account and its sub-accounts), ``category``
  (every account of a category), ``cash_flow_item`` (cash moved under the item) or
  ``opening_account`` (an account's balance at the start of the range, for the cash-flow
  statement's opening cash), each times its sign (+1 or -1);
- a **total** adds other lines of the same statement, each times its sign;
- a **heading** has no amount.

Amounts are read on the line's ``side``: a debit line shows debit - credit, a credit line
credit - debit. A contra account (1231, 1602, 1702) carries a credit balance, so on a debit
(asset) line it reduces the line with sign +1; a sign of -1 takes an account out of a line
that includes its parent (6602 without 6602.05 R&D).

What each term reads depends on the statement: the balance sheet reads balances at the end
of the range, the income statement the range's movements without the year-end closing
entries (which would otherwise empty it in December), the cash-flow statement the range's
cash movements per cash-flow item.
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

ZERO = Decimal("0.00")

StatementKind = Literal["balance_sheet", "income_statement", "cash_flow"]
LineKind = Literal["heading", "item", "total"]
Side = Literal["debit", "credit"]
TermKind = Literal["account", "category", "cash_flow_item", "opening_account", "line"]
STATEMENT_KINDS: tuple[StatementKind, ...] = ("balance_sheet", "income_statement", "cash_flow")
CATEGORIES = ("asset", "liability", "equity", "cost", "profit_and_loss")

# Lines the ties read; their codes cannot change (the mapping behind them can).
TOTAL_ASSETS = "total_assets"
TOTAL_LIABILITIES_AND_EQUITY = "total_liabilities_and_equity"
RETAINED_EARNINGS = "retained_earnings"
NET_PROFIT = "net_profit"
NET_INCREASE_IN_CASH = "net_increase_in_cash"
CASH_OPENING = "cash_opening"
CASH_CLOSING = "cash_closing"
ANCHORS: dict[StatementKind, tuple[str, ...]] = {
    "balance_sheet": (TOTAL_ASSETS, TOTAL_LIABILITIES_AND_EQUITY, RETAINED_EARNINGS),
    "income_statement": (NET_PROFIT,),
    "cash_flow": (NET_INCREASE_IN_CASH, CASH_OPENING, CASH_CLOSING),
}
PROFIT_DISTRIBUTION = "4104"
"""利润分配: what leaves retained earnings other than by profit (dividends, reserves)."""


# ---------------------------------------------------------------------------- the mapping


@dataclass(frozen=True)
class Term:
    """One thing a line adds (or, with sign -1, takes away)."""

    kind: TermKind
    ref: str
    sign: int = 1


@dataclass(frozen=True)
class LineDef:
    """A line of a statement as finance maps it."""

    statement: StatementKind
    code: str
    name: str
    name_en: str
    kind: LineKind
    side: Side
    terms: tuple[Term, ...] = ()


ALLOWED_TERMS: dict[StatementKind, frozenset[TermKind]] = {
    "balance_sheet": frozenset({"account", "category"}),
    "income_statement": frozenset({"account", "category"}),
    "cash_flow": frozenset({"cash_flow_item", "account", "opening_account"}),
}


def mapping_problems(
    lines: Sequence[LineDef],
    *,
    accounts: Iterable[str] | None = None,
    cash_flow_items: Iterable[str] | None = None,
) -> list[str]:
    """Everything wrong with one statement's lines (empty when they can be evaluated).

    Checks: codes unique, anchors present, terms of a kind the statement reads, headings
    without terms, totals only over lines, signs ±1, no total that depends on itself, and
    (when given) account and cash-flow item references that exist.
    """
    problems: list[str] = []
    if not lines:
        return ["a statement needs lines"]
    statement = lines[0].statement
    codes = [line.code for line in lines]
    by_code = {line.code: line for line in lines}
    if len(by_code) != len(codes):
        problems.append("line codes repeat")
    for anchor in ANCHORS[statement]:
        if anchor not in by_code:
            problems.append(f"the line {anchor} is missing")
    known_accounts = set(accounts) if accounts is not None else None
    known_items = set(cash_flow_items) if cash_flow_items is not None else None
    for line in lines:
        if line.statement != statement:
            problems.append(f"{line.code}: belongs to another statement")
        if line.kind == "heading" and line.terms:
            problems.append(f"{line.code}: a heading has no terms")
        for term in line.terms:
            if term.sign not in (1, -1):
                problems.append(f"{line.code}: a sign is +1 or -1")
            if line.kind == "total" and term.kind != "line":
                problems.append(f"{line.code}: a total adds lines only")
            if line.kind == "item" and term.kind not in ALLOWED_TERMS[statement]:
                problems.append(f"{line.code}: a {statement} item cannot read {term.kind}")
            if term.kind == "line" and term.ref not in by_code:
                problems.append(f"{line.code}: no line {term.ref}")
            if term.kind == "line" and term.ref in by_code and by_code[term.ref].kind == "heading":
                problems.append(f"{line.code}: {term.ref} is a heading")
            if term.kind == "category" and term.ref not in CATEGORIES:
                problems.append(f"{line.code}: no category {term.ref}")
            if (
                term.kind in ("account", "opening_account")
                and known_accounts is not None
                and term.ref not in known_accounts
            ):
                problems.append(f"{line.code}: no account {term.ref}")
            if (
                term.kind == "cash_flow_item"
                and known_items is not None
                and term.ref not in known_items
            ):
                problems.append(f"{line.code}: no cash-flow item {term.ref}")
    if not problems:
        cycle = _cycle(lines)
        if cycle:
            problems.append(f"{cycle}: a total depends on itself")
    return problems


def _cycle(lines: Sequence[LineDef]) -> str | None:
    """The code of a line in a dependency cycle, if any."""
    needs = {
        line.code: [t.ref for t in line.terms if t.kind == "line"]
        for line in lines
        if line.kind == "total"
    }
    state: dict[str, int] = {}

    def visit(code: str) -> str | None:
        if state.get(code) == 1:
            return code
        if state.get(code) == 2:
            return None
        state[code] = 1
        for ref in needs.get(code, ()):
            found = visit(ref)
            if found:
                return found
        state[code] = 2
        return None

    for code in needs:
        found = visit(code)
        if found:
            return found
    return None


# ---------------------------------------------------------------------------- the ledger's figures


@dataclass(frozen=True)
class AccountInfo:
    """What a statement needs of an account of the chart."""

    code: str
    name: str
    name_en: str
    category: str
    parent_code: str | None = None


@dataclass(frozen=True)
class Movement:
    """Debits and credits over a span."""

    debit: Decimal = ZERO
    credit: Decimal = ZERO

    @property
    def net(self) -> Decimal:
        """Debit - credit."""
        return self.debit - self.credit

    def __add__(self, other: "Movement") -> "Movement":
        return Movement(self.debit + other.debit, self.credit + other.credit)


@dataclass(frozen=True)
class LedgerFigures:
    """The figures of one range, read from the monthly balances.

    ``opening``: each account's balance (debit - credit) before the range; ``movements``: its
    debits and credits in the range (every posted entry); ``closing_entries``: the part of
    those that the year-end close posted; ``cash_flows``: cash received (debit) and paid
    (credit) under each cash-flow item in the range.
    """

    accounts: Mapping[str, AccountInfo]
    opening: Mapping[str, Decimal]
    movements: Mapping[str, Movement]
    closing_entries: Mapping[str, Movement] = field(default_factory=dict)
    cash_flows: Mapping[str, Movement] = field(default_factory=dict)

    def codes(self) -> list[str]:
        """Every account with a balance or a movement, in code order."""
        return sorted(set(self.opening) | set(self.movements))

    def closing(self, code: str) -> Decimal:
        return self.opening.get(code, ZERO) + self.movements.get(code, Movement()).net

    def operating(self, code: str) -> Decimal:
        """The range's movement without the year-end closing entries (debit - credit)."""
        return (
            self.movements.get(code, Movement()).net
            - self.closing_entries.get(code, Movement()).net
        )


def ancestors(code: str, accounts: Mapping[str, AccountInfo]) -> list[str]:
    """The account and every parent above it (by ``parent_code``, else by its dotted code)."""
    chain = [code]
    seen = {code}
    current = code
    while True:
        info = accounts.get(current)
        parent = info.parent_code if info is not None else None
        if parent is None and "." in current:
            parent = current.rsplit(".", 1)[0]
        if parent is None or parent in seen:
            return chain
        chain.append(parent)
        seen.add(parent)
        current = parent


def _category(code: str, accounts: Mapping[str, AccountInfo]) -> str | None:
    for each in ancestors(code, accounts):
        if each in accounts:
            return accounts[each].category
    return None


def _side(value: Decimal, side: Side) -> Decimal:
    return value if side == "debit" else -value


@dataclass(frozen=True)
class StatementRow:
    """One line of a built statement."""

    code: str
    name: str
    name_en: str
    kind: LineKind
    amount: Decimal | None
    comparative: Decimal | None


def _account_sum(
    term: Term,
    codes: Iterable[str],
    accounts: Mapping[str, AccountInfo],
    value: Callable[[str], Decimal],
) -> Decimal:
    total = ZERO
    for code in codes:
        if term.kind == "category":
            hit = _category(code, accounts) == term.ref
        else:
            hit = term.ref in ancestors(code, accounts)
        if hit:
            total += value(code)
    return total


def evaluate(
    lines: Sequence[LineDef], item_value: Callable[[LineDef, Term], Decimal]
) -> dict[str, Decimal | None]:
    """Every line's amount: items from ``item_value`` per term (already on the line's side,
    before the sign), totals from the lines they add, headings None."""
    by_code = {line.code: line for line in lines}
    done: dict[str, Decimal | None] = {}

    def amount(code: str, trail: frozenset[str]) -> Decimal | None:
        if code in done:
            return done[code]
        line = by_code[code]
        if code in trail:
            raise ValueError(f"{code}: a total depends on itself")
        value: Decimal | None
        if line.kind == "heading":
            value = None
        elif line.kind == "total":
            value = ZERO
            for term in line.terms:
                part = amount(term.ref, trail | {code})
                value += term.sign * (part or ZERO)
        else:
            value = ZERO
            for term in line.terms:
                value += term.sign * item_value(line, term)
        done[code] = value
        return value

    for line in lines:
        amount(line.code, frozenset())
    return done


def _balance_values(
    figures: LedgerFigures, value: Callable[[str], Decimal]
) -> Callable[[LineDef, Term], Decimal]:
    codes = figures.codes()

    def item_value(line: LineDef, term: Term) -> Decimal:
        if term.kind in ("account", "category"):
            return _side(_account_sum(term, codes, figures.accounts, value), line.side)
        return ZERO

    return item_value


def balance_sheet_amounts(
    lines: Sequence[LineDef], figures: LedgerFigures, *, at_start: bool = False
) -> dict[str, Decimal | None]:
    """The balance sheet's lines at the end of the range (or, ``at_start``, before it)."""
    value = (lambda code: figures.opening.get(code, ZERO)) if at_start else figures.closing
    return evaluate(lines, _balance_values(figures, value))


def income_statement_amounts(
    lines: Sequence[LineDef], figures: LedgerFigures
) -> dict[str, Decimal | None]:
    """The income statement's lines over the range (year-end closing entries left out)."""
    return evaluate(lines, _balance_values(figures, figures.operating))


def cash_flow_amounts(
    lines: Sequence[LineDef], figures: LedgerFigures
) -> dict[str, Decimal | None]:
    """The cash-flow statement's lines over the range."""
    codes = figures.codes()

    def item_value(line: LineDef, term: Term) -> Decimal:
        if term.kind == "cash_flow_item":
            return _side(figures.cash_flows.get(term.ref, Movement()).net, line.side)
        if term.kind == "account":
            return _side(_account_sum(term, codes, figures.accounts, figures.closing), line.side)
        if term.kind == "opening_account":
            opening = figures.opening.get
            return _side(
                _account_sum(term, codes, figures.accounts, lambda c: opening(c, ZERO)),
                line.side,
            )
        return ZERO

    return evaluate(lines, item_value)


def rows(
    lines: Sequence[LineDef],
    amounts: Mapping[str, Decimal | None],
    comparative: Mapping[str, Decimal | None] | None = None,
) -> list[StatementRow]:
    """The lines in order with their amounts (and the comparative column)."""
    return [
        StatementRow(
            line.code,
            line.name,
            line.name_en,
            line.kind,
            amounts.get(line.code),
            comparative.get(line.code) if comparative is not None else None,
        )
        for line in lines
    ]


# ---------------------------------------------------------------------------- trial balance


@dataclass(frozen=True)
class TrialBalanceRow:
    """One account: balance before the range, the range's debits and credits, balance after.
    A balance is shown on the side it falls (a debit balance in the debit column)."""

    code: str
    name: str
    name_en: str
    category: str | None
    opening_debit: Decimal
    opening_credit: Decimal
    debit: Decimal
    credit: Decimal
    closing_debit: Decimal
    closing_credit: Decimal


def _split(balance: Decimal) -> tuple[Decimal, Decimal]:
    return (balance, ZERO) if balance >= 0 else (ZERO, -balance)


def account_at_level(code: str, accounts: Mapping[str, AccountInfo], level: int) -> str:
    """The account above ``code`` at ``level`` (1: the first-level account), or ``code``
    itself when it is at that level or above."""
    chain = list(reversed(ancestors(code, accounts)))
    return chain[min(level, len(chain)) - 1]


def trial_balance(
    figures: LedgerFigures, *, level: int | None = None
) -> tuple[list[TrialBalanceRow], TrialBalanceRow]:
    """A row per account with a balance or a movement, and the totals row.

    Rows are the accounts posted to (leaves); with ``level`` they are summed up to the
    accounts of that level (1: 科目余额表 by first-level account), each balance shown on the
    side the summed balance falls."""
    opening_of: dict[str, Decimal] = {}
    moved_of: dict[str, Movement] = {}
    for code in figures.codes():
        key = code if level is None else account_at_level(code, figures.accounts, level)
        opening_of[key] = opening_of.get(key, ZERO) + figures.opening.get(code, ZERO)
        moved_of[key] = moved_of.get(key, Movement()) + figures.movements.get(code, Movement())
    result: list[TrialBalanceRow] = []
    for code in sorted(opening_of):
        opening = opening_of[code]
        moved = moved_of[code]
        closing = opening + moved.net
        if opening == 0 and moved.debit == 0 and moved.credit == 0:
            continue
        info = figures.accounts.get(code)
        result.append(
            TrialBalanceRow(
                code,
                info.name if info else "",
                info.name_en if info else "",
                _category(code, figures.accounts),
                *_split(opening),
                moved.debit,
                moved.credit,
                *_split(closing),
            )
        )
    totals = TrialBalanceRow(
        "total",
        "合计",
        "Total",
        None,
        sum((r.opening_debit for r in result), ZERO),
        sum((r.opening_credit for r in result), ZERO),
        sum((r.debit for r in result), ZERO),
        sum((r.credit for r in result), ZERO),
        sum((r.closing_debit for r in result), ZERO),
        sum((r.closing_credit for r in result), ZERO),
    )
    return result, totals


# ---------------------------------------------------------------------------- the ties


@dataclass(frozen=True)
class Tie:
    """Two figures that must agree."""

    left: Decimal
    right: Decimal

    @property
    def difference(self) -> Decimal:
        return self.left - self.right

    @property
    def ties(self) -> bool:
        return self.left == self.right


@dataclass(frozen=True)
class Checks:
    """Every tie between the statements of one range, and what keeps them from tying."""

    trial_balance: Tie
    """closing debits = closing credits (and, since every entry balances, the range's too)"""
    period_movements: Tie
    """the range's debits = its credits"""
    balance_sheet: Tie
    """total assets = total liabilities and equity"""
    net_profit: Tie
    """net profit = change in retained earnings + profit distributed (4104 debits)"""
    profit_distributed: Decimal
    cash: Tie
    """net increase in cash (cash-flow items) = closing - opening cash (cash accounts)"""
    unmapped_accounts: tuple[str, ...]
    """accounts with a balance at the range's end that no balance-sheet item reads"""
    unmapped_cash_flow_items: tuple[str, ...]
    """cash-flow items with movements in the range that no cash-flow line reads"""

    @property
    def all_tie(self) -> bool:
        return (
            self.trial_balance.ties
            and self.period_movements.ties
            and self.balance_sheet.ties
            and self.net_profit.ties
            and self.cash.ties
            and not self.unmapped_accounts
            and not self.unmapped_cash_flow_items
        )


def _read_accounts(lines: Sequence[LineDef], figures: LedgerFigures) -> set[str]:
    read: set[str] = set()
    for line in lines:
        if line.kind != "item":
            continue
        for term in line.terms:
            if term.kind not in ("account", "category"):
                continue
            for code in figures.codes():
                if term.kind == "category":
                    if _category(code, figures.accounts) == term.ref:
                        read.add(code)
                elif term.ref in ancestors(code, figures.accounts):
                    read.add(code)
    return read


def checks(statements: Mapping[StatementKind, Sequence[LineDef]], figures: LedgerFigures) -> Checks:
    """The ties, computed from the same figures the statements show."""
    _rows, totals = trial_balance(figures)
    bs_lines = statements["balance_sheet"]
    end = balance_sheet_amounts(bs_lines, figures)
    start = balance_sheet_amounts(bs_lines, figures, at_start=True)
    income = income_statement_amounts(statements["income_statement"], figures)
    cash = cash_flow_amounts(statements["cash_flow"], figures)

    def the(amounts: Mapping[str, Decimal | None], code: str) -> Decimal:
        return amounts.get(code) or ZERO

    distributed = ZERO
    for code in figures.codes():
        if PROFIT_DISTRIBUTION in ancestors(code, figures.accounts):
            distributed += figures.operating(code)
    change = the(end, RETAINED_EARNINGS) - the(start, RETAINED_EARNINGS)
    read = _read_accounts(bs_lines, figures)
    unmapped = tuple(
        code for code in figures.codes() if figures.closing(code) != 0 and code not in read
    )
    mapped_items = {
        term.ref
        for line in statements["cash_flow"]
        for term in line.terms
        if term.kind == "cash_flow_item"
    }
    unmapped_items = tuple(
        sorted(
            item
            for item, moved in figures.cash_flows.items()
            if item not in mapped_items and (moved.debit != 0 or moved.credit != 0)
        )
    )
    return Checks(
        trial_balance=Tie(totals.closing_debit, totals.closing_credit),
        period_movements=Tie(totals.debit, totals.credit),
        balance_sheet=Tie(the(end, TOTAL_ASSETS), the(end, TOTAL_LIABILITIES_AND_EQUITY)),
        net_profit=Tie(the(income, NET_PROFIT), change + distributed),
        profit_distributed=distributed,
        cash=Tie(
            the(cash, NET_INCREASE_IN_CASH), the(cash, CASH_CLOSING) - the(cash, CASH_OPENING)
        ),
        unmapped_accounts=unmapped,
        unmapped_cash_flow_items=unmapped_items,
    )
