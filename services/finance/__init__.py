"""The finance service: budgets, expense claims and payments, double-entry accounting, statements and tax."""
