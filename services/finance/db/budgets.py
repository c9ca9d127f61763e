"""Models of finance: budgets, revisions and their execution."""
