"""One app per service and test process, pointed at each test's own database in turn.

Building a service's FastAPI app is cheap; what is not is FastAPI working out each route's
dependencies and models again for every new app, on its first requests (about 35 ms for
finance on an idle machine, for every test). So the service fixtures build each service's
app once per process and, for each test, point it at the test's database, token keys and
clock before running its lifespan. The lifespan makes everything live anew (engine,
publisher, runtime, service client), so nothing of one test's data reaches the next; what
is shared is only what does not change between tests: the routes, the middleware, the
exception handlers and the request metrics.

An app is shared only between tests whose settings are the same but for the database; a
test that runs a second copy of a service while the first still runs gets an app of its
own.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI

from shared.kit.settings import ServiceSettings

PER_TEST = ("database_url", "database_schema")


class Current:
    """Stands for what the test running now gave (its token keys, clock, directory…): reads
    and calls go to ``current``."""

    def __init__(self, current: Any) -> None:
        self.current = current

    def __getattr__(self, name: str) -> Any:
        return getattr(self.current, name)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.current(*args, **kwargs)


@dataclass
class SharedApp:
    app: FastAPI
    settings: ServiceSettings
    given: dict[str, Current] = field(default_factory=dict)
    in_use: bool = False


_apps: dict[tuple[Any, ...], SharedApp] = {}


def _key(
    create_app: Callable[..., FastAPI], settings: ServiceSettings, given: dict[str, Any]
) -> tuple[Any, ...]:
    values = settings.model_dump()
    return (
        create_app,
        type(settings),
        tuple(sorted(given)),
        repr(sorted((k, repr(v)) for k, v in values.items() if k not in PER_TEST)),
    )


@contextmanager
def service_app(
    create_app: Callable[..., FastAPI], settings: ServiceSettings, **given: Any
) -> Iterator[FastAPI]:
    """The app ``create_app(settings, **given)`` builds, shared with earlier tests of this
    process when it can be, and set to this test's ``settings`` database and ``given``
    (``verifier=``, ``clock=``, ``directory=``… whatever the service's ``create_app`` takes)."""
    key = _key(create_app, settings, given)
    shared = _apps.get(key)
    if shared is None or shared.in_use:
        proxies = {name: Current(value) for name, value in given.items()}
        shared = SharedApp(create_app(settings, **proxies), settings, proxies)
        _apps.setdefault(key, shared)
    for name in PER_TEST:
        setattr(shared.settings, name, getattr(settings, name))
    for name, value in given.items():
        shared.given[name].current = value
    shared.in_use = True
    try:
        yield shared.app
    finally:
        shared.in_use = False
