"""The gateway: the platform's only public door (auth, routing, merged OpenAPI, health)."""
