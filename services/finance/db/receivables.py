"""Models of finance: invoices, payments, aging and the cash plan."""
