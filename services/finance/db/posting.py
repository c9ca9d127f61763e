"""Models of finance: posting rules, consumed facts and posting exceptions."""
