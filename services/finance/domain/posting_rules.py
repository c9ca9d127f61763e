"""The posting-rule table: which accounts a fact's component posts to, and which dimensions it keeps.

A rule is data finance edits. Choosing the rule for a component is a pure function
(:func:`choose_rule`): a rule for the component's category wins over the component's general
rule (no category); an inactive rule counts as none.
"""

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.finance.db.posting import DIMENSIONS, Dimension, PostingRule
from services.finance.domain import accounts
from shared.kit.errors import Conflict, Unprocessable, not_found

RuleKey = tuple[str, str | None]
"""(component, category) — category None is the component's general rule."""


@dataclass(frozen=True)
class RuleSpec:
    """What a rule says, detached from the database row (what the pure functions read)."""

    debit_account: str
    credit_account: str
    dimensions: frozenset[Dimension] = field(default_factory=lambda: frozenset(DIMENSIONS))
    cash_flow_item: str | None = None
    rule_id: uuid.UUID | None = None


def choose_rule(
    rules: Mapping[RuleKey, RuleSpec], component: str, category: str | None
) -> RuleSpec | None:
    """The rule for (component, category): the category's own, else the general one, else None."""
    if category is not None and (component, category) in rules:
        return rules[(component, category)]
    return rules.get((component, None))


def spec_of(rule: PostingRule) -> RuleSpec:
    """The rule row as a :class:`RuleSpec`."""
    return RuleSpec(
        debit_account=rule.debit_account,
        credit_account=rule.credit_account,
        dimensions=frozenset(rule.dimensions),
        cash_flow_item=rule.cash_flow_item,
        rule_id=rule.id,
    )


async def active_rules(session: AsyncSession, fact_type: str) -> dict[RuleKey, RuleSpec]:
    """The active rules of ``fact_type``, by (component, category)."""
    rows = await session.scalars(
        select(PostingRule).where(PostingRule.fact_type == fact_type, PostingRule.active)
    )
    return {(rule.component, rule.category): spec_of(rule) for rule in rows}


def listed(
    *, fact_type: str | None, component: str | None, active: bool | None
) -> Select[tuple[PostingRule]]:
    """The rules matching the filters (for a page)."""
    query = select(PostingRule)
    if fact_type is not None:
        query = query.where(PostingRule.fact_type == fact_type)
    if component is not None:
        query = query.where(PostingRule.component == component)
    if active is not None:
        query = query.where(PostingRule.active == active)
    return query


async def get(session: AsyncSession, rule_id: uuid.UUID) -> PostingRule:
    """A rule by id (404 otherwise)."""
    rule = await session.get(PostingRule, rule_id)
    if rule is None:
        raise not_found("posting rule", rule_id)
    return rule


@dataclass(frozen=True)
class RuleFields:
    """The editable part of a rule."""

    debit_account: str
    credit_account: str
    dimensions: Sequence[Dimension]
    cash_flow_item: str | None
    description: str
    active: bool


async def check_fields(session: AsyncSession, fields: RuleFields) -> None:
    """422 unless the accounts differ, a cash side (and only a cash side) has a cash-flow item
    that exists, and — for an active rule — both accounts are active leaves (a rule can always
    be switched off, even after its account was deactivated)."""
    if fields.debit_account == fields.credit_account:
        raise Unprocessable(
            "a rule debits and credits two different accounts", code="posting_rule_invalid"
        )
    if fields.active:
        await accounts.postable(session, (fields.debit_account, fields.credit_account))
    cash_side = accounts.is_cash_account(fields.debit_account) or accounts.is_cash_account(
        fields.credit_account
    )
    if cash_side and fields.cash_flow_item is None:
        raise Unprocessable(
            "a rule with a cash account names the cash-flow item its cash line is classified under",
            code="posting_rule_invalid",
        )
    if not cash_side and fields.cash_flow_item is not None:
        raise Unprocessable(
            "only a rule with a cash account (1001, 1002, 1012) takes a cash-flow item",
            code="posting_rule_invalid",
        )
    if fields.cash_flow_item is not None:
        await accounts.cash_flow_items(session, [fields.cash_flow_item])


def _apply(rule: PostingRule, fields: RuleFields) -> None:
    rule.debit_account = fields.debit_account
    rule.credit_account = fields.credit_account
    for name in DIMENSIONS:
        wanted = name in fields.dimensions
        if getattr(rule, f"keep_{name}") != wanted:
            setattr(rule, f"keep_{name}", wanted)
    rule.cash_flow_item = fields.cash_flow_item
    rule.description = fields.description
    rule.active = fields.active


async def create(
    session: AsyncSession,
    *,
    fact_type: str,
    component: str,
    category: str | None,
    fields: RuleFields,
    actor: str | None,
) -> PostingRule:
    """Add a rule (409 ``posting_rule_exists`` when (type, component, category) has one)."""
    await check_fields(session, fields)
    existing = await session.scalar(
        select(PostingRule.id).where(
            PostingRule.fact_type == fact_type,
            PostingRule.component == component,
            PostingRule.category.is_(None)
            if category is None
            else PostingRule.category == category,
        )
    )
    if existing is not None:
        raise Conflict(
            f"{fact_type} / {component}"
            + (f" / {category}" if category else "")
            + f" has a rule already ({existing}); change that one",
            code="posting_rule_exists",
            rule_id=str(existing),
        )
    rule = PostingRule(
        fact_type=fact_type, component=component, category=category, created_by=actor
    )
    _apply(rule, fields)
    session.add(rule)
    await session.flush()
    return rule


async def update(session: AsyncSession, rule: PostingRule, fields: RuleFields) -> PostingRule:
    """Change a rule's accounts, dimensions, cash-flow item, description or active flag."""
    await check_fields(session, fields)
    _apply(rule, fields)
    await session.flush()
    return rule
