"""Models of finance: its copy of org's departments and employees (fed by org's events)."""
