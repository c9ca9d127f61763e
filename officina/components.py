"""The platform's components, in start order (from ``shared.registry``), and loading their code."""

from collections.abc import Awaitable, Callable
from importlib import import_module
from typing import Any

from shared.registry import COMPONENT_NAMES, Component, component

COMPONENTS = COMPONENT_NAMES

__all__ = ["COMPONENTS", "Component", "component", "load_callable"]


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
