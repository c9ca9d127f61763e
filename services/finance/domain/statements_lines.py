"""Editing the statement line mappings: finance renames a line or changes what it reads; the
statement must still evaluate afterwards (``statements.mapping_problems``), else nothing
changes and the answer is 422 ``statement_mapping_invalid`` with every problem listed."""

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import flag_modified

from services.finance.db.ledger import Account, CashFlowItem
from services.finance.db.statements import StatementLine, StatementLineTerm
from services.finance.domain.statements import LineDef, Term, mapping_problems
from services.finance.domain.statements_service import line_def
from services.finance.schemas.statements import StatementLineUpdate
from shared.kit.errors import Unprocessable, not_found


async def get(session: AsyncSession, line_id: uuid.UUID) -> StatementLine:
    """One line, or 404."""
    line = await session.get(StatementLine, line_id)
    if line is None:
        raise not_found("statement line", line_id)
    return line


async def _validate(session: AsyncSession, lines: Sequence[LineDef]) -> None:
    accounts = (await session.scalars(select(Account.code))).all()
    items = (await session.scalars(select(CashFlowItem.code))).all()
    problems = mapping_problems(lines, accounts=accounts, cash_flow_items=items)
    if problems:
        raise Unprocessable(
            "the statement would no longer evaluate: " + "; ".join(problems),
            code="statement_mapping_invalid",
            problems=problems,
        )


async def update(
    session: AsyncSession, line: StatementLine, change: StatementLineUpdate
) -> StatementLine:
    """Apply ``change`` to ``line`` once its statement, changed so, still evaluates."""
    terms = (
        tuple(Term(t.kind, t.ref, t.sign) for t in change.terms)
        if change.terms is not None
        else tuple(Term(t.kind, t.ref, t.sign) for t in line.terms)
    )
    proposed = LineDef(
        statement=line.statement,
        code=line.code,
        name=change.name if change.name is not None else line.name,
        name_en=change.name_en if change.name_en is not None else line.name_en,
        kind=line.kind,
        side=change.side if change.side is not None else line.side,
        terms=terms,
    )
    if proposed == line_def(line):
        return line  # nothing to change: no new version
    siblings = (
        await session.scalars(
            select(StatementLine)
            .where(StatementLine.statement == line.statement)
            .order_by(StatementLine.position)
        )
    ).all()
    await _validate(
        session, [proposed if each.id == line.id else line_def(each) for each in siblings]
    )
    if change.terms is not None:
        line.terms.clear()
        await session.flush()  # the old terms go before the new take their positions
        for position, term in enumerate(terms, start=1):
            line.terms.append(
                StatementLineTerm(position=position, kind=term.kind, ref=term.ref, sign=term.sign)
            )
    line.name, line.name_en, line.side = proposed.name, proposed.name_en, proposed.side
    flag_modified(line, "name")  # one new version, even for a change to the terms alone
    await session.flush()
    return line
