"""The org service: company profile, departments, positions, employees, external parties and company documents."""
