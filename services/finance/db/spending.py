"""Models of finance: expense claims and spending requests."""
