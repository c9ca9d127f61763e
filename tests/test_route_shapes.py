"""A fixed path segment never shares its place with an untyped path parameter of a sibling route
(``/supplies/low-stock`` beside ``/supplies/{supply_id}``): Starlette would match the fixed
word as an id, so a 405's ``Allow`` named the id route's methods too (schemathesis ST205). An id
parameter beside a fixed word is declared ``{name:uuid}``."""

import importlib
import re

from shared.registry import SERVICE_NAMES

UNTYPED = re.compile(r"^\{[a-z_]+\}$")


def test_no_fixed_segment_is_shadowed_by_an_untyped_parameter() -> None:
    clashes = []
    for service in SERVICE_NAMES:
        routers = importlib.import_module(f"services.{service}.api").ROUTERS
        paths = {route.path for router in routers for route in router.routes}
        for path in paths:
            segments = path.strip("/").split("/")
            for other in paths - {path}:
                others = other.strip("/").split("/")
                if len(others) != len(segments):
                    continue
                differ = [
                    i for i, (a, b) in enumerate(zip(segments, others, strict=True)) if a != b
                ]
                if (
                    len(differ) == 1
                    and UNTYPED.match(segments[differ[0]])
                    and not others[differ[0]].startswith("{")
                ):
                    clashes.append((path, other))
    assert sorted(clashes) == []
