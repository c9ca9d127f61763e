"""Models of finance: what finance owes employees from posted facts (travel advances and reimbursements), and its payments."""
