"""Models of finance: tax registrations, the filing calendar and filings."""
