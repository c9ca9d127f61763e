"""Models of finance: chart of accounts, periods, journal entries."""
