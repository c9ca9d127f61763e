"""Per-request context (request id, caller) carried by contextvars into logs, audit and events."""

from contextvars import ContextVar

from shared.contracts.principal import Principal

request_id_var: ContextVar[str | None] = ContextVar("officina_request_id", default=None)
principal_var: ContextVar[Principal | None] = ContextVar("officina_principal", default=None)


def current_request_id() -> str | None:
    """The id of the request being served, if any."""
    return request_id_var.get()


def current_principal() -> Principal | None:
    """The verified caller of the request being served, if any."""
    return principal_var.get()
