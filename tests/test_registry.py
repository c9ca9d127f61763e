"""Everything that lists the services derives from ``shared/registry.py``, or is checked
against it here (the import contracts, the folders, the migrations)."""

import tomllib
from pathlib import Path

from gateway.config import GatewaySettings
from officina.components import COMPONENTS
from shared.contracts.principal import SERVICES
from shared.kit.migrations import MIGRATIONS_ROOT
from shared.registry import (
    COMPONENT_ENTRIES,
    COMPONENT_NAMES,
    LAUNCHER_METRICS_OFFSET,
    SERVICE_ENTRIES,
    SERVICE_NAMES,
    component,
)

ROOT = Path(__file__).resolve().parents[1]


def _contract(name: str) -> dict[str, object]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    return next(c for c in config["contracts"] if c["name"] == name)


def test_the_import_contract_keeps_exactly_the_registered_services_independent() -> None:
    contract = _contract("Services are independent of each other")
    assert contract["type"] == "independence"
    assert contract["modules"] == [entry.package for entry in SERVICE_ENTRIES]


def test_every_service_folder_is_registered_and_every_entry_has_its_folder() -> None:
    folders = {path.parent.name for path in (ROOT / "services").glob("*/app.py") if path.is_file()}
    assert folders == set(SERVICE_NAMES)
    for entry in COMPONENT_ENTRIES:
        module = entry.app_factory.partition(":")[0]
        assert (ROOT / (module.replace(".", "/") + ".py")).is_file(), entry.app_factory
        assert (MIGRATIONS_ROOT / entry.name).is_dir(), f"no migrations/{entry.name}"


def test_the_launcher_the_gateway_and_the_contracts_use_the_registry() -> None:
    assert COMPONENTS == COMPONENT_NAMES == ("gateway", *SERVICE_NAMES)
    assert SERVICES == SERVICE_NAMES
    settings = GatewaySettings(port=9000)
    assert settings.service_urls() == {
        entry.name: f"http://127.0.0.1:{9000 + entry.port_offset}" for entry in SERVICE_ENTRIES
    }
    assert GatewaySettings(port=9000, hr_url="http://hr:8003/").service_url("hr") == (
        "http://hr:8003"
    )


def test_ports_are_distinct_and_leave_the_launcher_metrics_port_free() -> None:
    offsets = [entry.port_offset for entry in COMPONENT_ENTRIES]
    assert component("gateway").port_offset == 0
    assert len(set(offsets)) == len(offsets)
    assert LAUNCHER_METRICS_OFFSET not in offsets
    assert component("hr").scopes == ("hr:read", "hr:write")
    assert component("gateway").scopes == ()
