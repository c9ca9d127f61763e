"""Models of finance: statements and the year-end close."""
