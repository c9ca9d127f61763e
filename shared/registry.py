"""The one list of the platform's components: the gateway and every service.

Everything that needs to know which services exist derives it from here: the launcher
(``officina up``: start order, ports, URLs, migrations, reference data), the gateway (routes,
scopes, upstream URLs), the bootstrap (one client per service), the end-to-end test runner,
and the tests that check ``docker-compose.yml`` and the import contracts against it. Adding a
service is its own folder under ``services/`` plus one entry in ``SERVICE_ENTRIES``
(see docs/kit.md, "Adding a service").

Pure data on purpose: ``shared.contracts`` imports it, so it imports nothing of the kit.
"""

from dataclasses import dataclass

GATEWAY_NAME = "gateway"


@dataclass(frozen=True)
class Component:
    """One process of the platform and what the rest of the code needs to know about it."""

    name: str
    port_offset: int  # its port is the gateway's port plus this (gateway 0)
    title: str
    managed_by: tuple[str, ...] = ()  # roles that administer this service's records

    @property
    def is_gateway(self) -> bool:
        return self.name == GATEWAY_NAME

    @property
    def package(self) -> str:
        """Its Python package: ``gateway`` or ``services.<name>``."""
        return GATEWAY_NAME if self.is_gateway else f"services.{self.name}"

    @property
    def app_factory(self) -> str:
        """``module:function`` that builds its ASGI app (``uvicorn --factory``)."""
        return f"{self.package}.app:create_app"

    @property
    def reference_data(self) -> str:
        """``module:function`` seeding its reference data (the module may not exist)."""
        if self.is_gateway:
            return "gateway.bootstrap:load_reference_data"
        return f"{self.package}.reference:load_reference_data"

    @property
    def scopes(self) -> tuple[str, ...]:
        """The client-credential scopes of a service (the gateway has none)."""
        return () if self.is_gateway else (f"{self.name}:read", f"{self.name}:write")

    @property
    def url_variable(self) -> str:
        """The environment variable that overrides where it is reached (``OFFICINA_HR_URL``)."""
        return f"OFFICINA_{self.name.upper()}_URL"

    @property
    def prefix(self) -> str:
        """Its public path prefix under the gateway."""
        return f"/api/v1/{self.name}"

    def port(self, base_port: int) -> int:
        """Its port when the gateway listens on ``base_port`` (``officina up``, compose)."""
        return base_port + self.port_offset

    def url(self, host: str, base_port: int) -> str:
        """Its base URL on ``host`` when the gateway listens on ``base_port``."""
        return f"http://{host}:{self.port(base_port)}"


GATEWAY = Component(GATEWAY_NAME, 0, "Gateway", managed_by=("admin",))

# The services, in start order. One entry per folder under services/.
SERVICE_ENTRIES: tuple[Component, ...] = (
    Component("org", 1, "Organisation", managed_by=("admin", "gm")),
    Component("workflow", 2, "Workflow", managed_by=("admin",)),
    Component("hr", 3, "Human resources", managed_by=("hr", "admin")),
    Component("finance", 4, "Finance", managed_by=("finance", "admin")),
    Component("logistics", 5, "Logistics", managed_by=("logistics", "admin")),
)

COMPONENT_ENTRIES: tuple[Component, ...] = (GATEWAY, *SERVICE_ENTRIES)
SERVICE_NAMES: tuple[str, ...] = tuple(entry.name for entry in SERVICE_ENTRIES)
COMPONENT_NAMES: tuple[str, ...] = tuple(entry.name for entry in COMPONENT_ENTRIES)
SERVICE_SCOPES: tuple[str, ...] = tuple(
    scope for entry in SERVICE_ENTRIES for scope in entry.scopes
)
# The launcher's own metrics listen this far above the gateway's port (``officina up``).
LAUNCHER_METRICS_OFFSET = 99

_BY_NAME = {entry.name: entry for entry in COMPONENT_ENTRIES}


def component(name: str) -> Component:
    """The entry of one component by name (KeyError when there is none)."""
    return _BY_NAME[name]


def service_urls(host: str, base_port: int) -> dict[str, str]:
    """Every service's base URL on ``host`` when the gateway listens on ``base_port``."""
    return {entry.name: entry.url(host, base_port) for entry in SERVICE_ENTRIES}


def _check(entries: tuple[Component, ...]) -> None:
    names = [entry.name for entry in entries]
    offsets = [entry.port_offset for entry in entries]
    if len(set(names)) != len(names) or len(set(offsets)) != len(offsets):
        raise ValueError("registry: component names and port offsets must be unique")
    if LAUNCHER_METRICS_OFFSET in offsets:
        raise ValueError("registry: a port offset collides with the launcher's metrics port")


_check(COMPONENT_ENTRIES)
