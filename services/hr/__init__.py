"""The hr service: recruitment, contracts, training, performance, payroll, leave and employee relations."""
