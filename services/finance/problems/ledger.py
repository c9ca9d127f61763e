"""finance's problem codes for chart of accounts, periods, journal entries."""

from shared.kit.problems import P, ProblemCode

CODES: tuple[ProblemCode, ...] = (
    P(
        "entry_unbalanced",
        422,
        "an entry whose debits and credits differ, or with fewer than two lines "
        "(`total_debit`, `total_credit`)",
    ),
    P(
        "invalid_line",
        422,
        "a line with both or neither side, an amount not positive, past two decimal places "
        "or too large",
    ),
    P("invalid_source", 422, "a source that is not 1 to 40 letters a-z and underscores"),
    P("unknown_account", 422, "an account code that is not in the chart"),
    P(
        "account_not_postable",
        422,
        "a line on an account that has sub-accounts or is inactive",
    ),
    P(
        "cash_flow_item_required",
        422,
        "a line on a cash account (1001, 1002, 1012 and their sub-accounts) without a "
        "cash-flow item",
    ),
    P(
        "invalid_cash_flow_item",
        422,
        "a cash-flow item that does not exist, or one on a line that is not on a cash account",
    ),
    P(
        "invalid_account_code",
        422,
        "a sub-account code that is not its parent's code and a two-digit suffix",
    ),
    P("duplicate_account", 409, "an account code already in the chart"),
    P(
        "account_has_postings",
        409,
        "deleting an account with postings (deactivate it instead), or adding a sub-account "
        "under an account that has postings",
    ),
    P(
        "account_has_children",
        409,
        "deleting or deactivating an account that still has (active) sub-accounts",
    ),
    P(
        "period_closed",
        409,
        "writing or posting an entry dated in a closed period; closing it again",
    ),
    P("period_open", 409, "reopening a period that is open"),
    P("period_has_drafts", 409, "closing a period that still has draft entries (`drafts`)"),
    P("entry_posted", 409, "changing or deleting a posted entry"),
    P("entry_not_posted", 409, "reversing a draft"),
    P("entry_already_reversed", 409, "reversing an entry that was reversed already"),
)

__all__ = ["CODES", "P"]
