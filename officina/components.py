"""The platform's components, in start order, and how each is migrated and seeded."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from shared.contracts.principal import SERVICES

COMPONENTS = ("gateway", *SERVICES)


@dataclass(frozen=True)
class Component:
    """One process of the platform."""

    name: str
    app_factory: str  # "module:function" for uvicorn --factory
    reference_data: str | None  # "module:function", an async seeding function, or None


def component(name: str) -> Component:
    """The description of one component by name."""
    if name == "gateway":
        return Component(
            "gateway", "gateway.app:create_app", "gateway.bootstrap:load_reference_data"
        )
    return Component(
        name, f"services.{name}.app:create_app", f"services.{name}.reference:load_reference_data"
    )


def load_callable(path: str) -> Callable[..., Awaitable[Any]] | None:
    """Import ``module:function``; None when the module does not exist."""
    module_name, _, attribute = path.partition(":")
    try:
        module = import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name == module_name:
            return None
        raise
    function: Callable[..., Awaitable[Any]] = getattr(module, attribute)
    return function
