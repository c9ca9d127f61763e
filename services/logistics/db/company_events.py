"""Models of logistics: company events and sign-ups."""
