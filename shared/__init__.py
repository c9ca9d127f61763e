"""Code every officina process shares: wire contracts (``contracts``) and the service kit (``kit``)."""
