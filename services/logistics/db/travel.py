"""Models of logistics: business travel: standards, requests and reimbursements."""
