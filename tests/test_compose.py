"""``docker-compose.yml`` and the ``Dockerfile`` agree with the code they deploy.

No Docker engine is needed: the compose file is read with PyYAML, its ``${VAR:-default}``
variables are resolved as Compose would with an empty environment, and the resulting
environment is fed to the code's own settings classes.
"""

import asyncio
import fnmatch
import http.server
import importlib
import json
import os
import re
import shlex
import subprocess
import sys
import threading
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from packaging.specifiers import SpecifierSet
from sqlalchemy.engine import make_url

from gateway.config import GatewaySettings
from officina.cli import app as officina_cli
from officina.components import COMPONENTS, component, load_callable
from officina.supervisor import Supervisor
from shared.contracts.principal import SERVICES
from shared.kit.migrations import MIGRATIONS_ROOT

ROOT = Path(__file__).resolve().parents[1]
COMPOSE_FILE = ROOT / "docker-compose.yml"
GATEWAY_PORT = 8000
SUPPORT_SERVICES = ("postgres", "migrate")

_VARIABLE = re.compile(r"\$(?:(?P<escaped>\$)|\{(?P<braced>[^}]*)\}|(?P<named>[A-Za-z_]\w*))")


def interpolate(value: Any, environ: dict[str, str]) -> Any:
    """Resolve Compose's ``$VAR``, ``${VAR}``, ``${VAR:-default}``, ``${VAR-default}`` and ``$$``.

    A variable that is unset and has no default fails: ``docker compose up`` must work
    without an ``.env`` file.
    """
    if isinstance(value, dict):
        return {key: interpolate(item, environ) for key, item in value.items()}
    if isinstance(value, list):
        return [interpolate(item, environ) for item in value]
    if not isinstance(value, str):
        return value

    def substitute(match: re.Match[str]) -> str:
        if match["escaped"]:
            return "$"
        expression = match["braced"] if match["braced"] is not None else match["named"]
        parsed = re.fullmatch(r"([A-Za-z_]\w*)(:-|-|:\?|\?)?(.*)", expression)
        assert parsed, f"malformed variable ${{{expression}}}"
        name, operator, default = parsed.groups()
        current = environ.get(name)
        if operator == ":-" and not current:
            return default
        if operator == "-" and current is None:
            return default
        if current is None:
            raise AssertionError(f"${{{expression}}} has no default and is not set")
        return current

    return _VARIABLE.sub(substitute, value)


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    raw = yaml.safe_load(COMPOSE_FILE.read_text())
    resolved: dict[str, Any] = interpolate(raw, environ={})
    return resolved


@pytest.fixture(scope="module")
def raw_compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(COMPOSE_FILE.read_text())
    return loaded


def environment_of(compose: dict[str, Any], service: str) -> dict[str, str]:
    """A compose service's environment as strings (mapping or ``KEY=value`` list form)."""
    env = compose["services"][service].get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {str(key): "" if value is None else str(value) for key, value in env.items()}


def command_of(compose: dict[str, Any], service: str) -> list[str]:
    command = compose["services"][service]["command"]
    return shlex.split(command) if isinstance(command, str) else [str(part) for part in command]


def option(command: list[str], name: str) -> str:
    assert name in command, f"{name} missing from {command}"
    return command[command.index(name) + 1]


def launcher_port(name: str) -> int:
    """The port ``officina up --port 8000`` gives a component (the supervisor's own rule)."""
    supervisor = Supervisor(
        host="0.0.0.0", port=GATEWAY_PORT, data_dir=Path("/data"), environment={}
    )
    return supervisor.port_of(name)


@pytest.fixture
def officina_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """Clears every ``OFFICINA_*`` variable of the test run; the test sets a container's."""
    _clear_officina_env(monkeypatch)
    yield monkeypatch


def _clear_officina_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in [key for key in os.environ if key.startswith("OFFICINA_")]:
        monkeypatch.delenv(key)


def test_each_component_is_exactly_one_compose_service_on_its_officina_up_port(
    compose: dict[str, Any],
) -> None:
    services = compose["services"]
    assert set(services) == {*SUPPORT_SERVICES, *COMPONENTS}
    for name in COMPONENTS:
        running = [
            service
            for service in services
            if service not in SUPPORT_SERVICES and command_of(compose, service)[2:3] == [name]
        ]
        assert running == [name], f"{name} runs in {running}"
        command = command_of(compose, name)
        port = launcher_port(name)
        assert option(command, "--port") == str(port)
        assert option(command, "--host") == "0.0.0.0"
        reachable = {str(p) for p in services[name].get("expose", [])} | {
            str(mapping).rsplit(":", 1)[-1] for mapping in services[name].get("ports", [])
        }
        assert str(port) in reachable, f"{name} does not expose {port}"
    assert [launcher_port(name) for name in COMPONENTS] == list(range(8000, 8006))


async def _status(app: Any, path: str) -> int:
    """Status of a GET on an app built by its factory (no lifespan, no database)."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://compose") as client:
        return (await client.get(path)).status_code


def test_every_command_runs_its_components_importable_app_factory(
    compose: dict[str, Any],
) -> None:
    from gateway.keys import KeyRing
    from shared.kit.tokens import SigningKey

    commands = {
        info.name or getattr(info.callback, "__name__", "")
        for info in officina_cli.registered_commands
    }
    assert "serve" in commands
    for name in COMPONENTS:
        command = command_of(compose, name)
        # `officina serve <name>`: the launcher's own server (clean stop, no forwarded headers)
        assert command[:3] == ["officina", "serve", name], command
        factory = load_callable(component(name).app_factory)
        assert factory is not None and callable(factory), f"{name} does not import"
        app = factory(keys=KeyRing(SigningKey.generate())) if name == "gateway" else factory()
        assert asyncio.run(_status(app, "/healthz")) == 200, f"{name} does not answer /healthz"
        if name == "gateway":
            assert asyncio.run(_status(app, "/.well-known/jwks.json")) == 200


def test_postgres_then_migrate_then_every_process(compose: dict[str, Any]) -> None:
    services = compose["services"]
    postgres = services["postgres"]
    assert str(postgres["image"]).startswith("postgres:15")
    assert "pg_isready" in " ".join(postgres["healthcheck"]["test"])

    migrate = services["migrate"]
    assert migrate["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    assert migrate.get("restart", "no") == "no", "a one-shot job must not restart"
    command = command_of(compose, "migrate")
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert command[:2] == ["officina", "migrate"] and scripts["officina"] == "officina.cli:main"
    commands = {
        info.name or getattr(info.callback, "__name__", "")
        for info in officina_cli.registered_commands
    }
    assert "migrate" in commands

    database = make_url(environment_of(compose, "migrate")["OFFICINA_DATABASE_URL"])
    assert database.drivername == "postgresql+asyncpg" and database.host == "postgres"
    pg_env = postgres["environment"]
    assert (database.username, database.password, database.database) == (
        pg_env["POSTGRES_USER"],
        pg_env["POSTGRES_PASSWORD"],
        pg_env["POSTGRES_DB"],
    )

    for name in COMPONENTS:
        assert services[name]["depends_on"] == {
            "migrate": {"condition": "service_completed_successfully"}
        }, name


class _Stub(http.server.BaseHTTPRequestHandler):
    status = 200
    paths: list[str] = []

    def do_GET(self) -> None:
        type(self).paths.append(self.path)
        self.send_response(self.status)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args: Any) -> None:
        pass


def _run_probe(test: list[str], port: int, stub_status: int) -> tuple[int, list[str]]:
    """Run a healthcheck's command against a local stub answering ``stub_status``."""
    handler = type("Handler", (_Stub,), {"status": stub_status, "paths": []})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        code = test[3].replace(f":{port}/", f":{server.server_address[1]}/")
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=20)
    finally:
        server.shutdown()
        server.server_close()
    return result.returncode, handler.paths


def test_every_process_has_a_working_healthcheck_on_its_own_healthz(
    compose: dict[str, Any],
) -> None:
    for name in COMPONENTS:
        healthcheck = compose["services"][name].get("healthcheck")
        assert healthcheck, f"{name} has no healthcheck"
        test = [str(part) for part in healthcheck["test"]]
        assert test[:3] == ["CMD", "python", "-c"], f"{name}: slim images have no curl: {test}"
        port = launcher_port(name)
        assert re.search(rf"//(127\.0\.0\.1|localhost):{port}/healthz\b", test[3]), test[3]
        status, paths = _run_probe(test, port, 200)
        assert (status, paths) == (0, ["/healthz"]), f"{name}'s probe fails a healthy process"
    status, _ = _run_probe(test, port, 503)
    assert status != 0, "the probe passes a failing process"


def test_gateway_settings_route_to_the_compose_services(
    compose: dict[str, Any], officina_env: pytest.MonkeyPatch
) -> None:
    env = environment_of(compose, "gateway")
    for key, value in env.items():
        officina_env.setenv(key, value)
    settings = GatewaySettings()

    assert settings.service_urls() == {
        service: f"http://{service}:{launcher_port(service)}" for service in SERVICES
    }
    assert settings.port == int(option(command_of(compose, "gateway"), "--port"))
    assert make_url(settings.resolved_database_url()).host == "postgres"
    assert settings.admin_password
    # The signing keys live in the data dir; a volume keeps them across restarts.
    mounts = [
        str(volume).split(":") for volume in compose["services"]["gateway"].get("volumes") or []
    ]
    assert any(
        target == str(settings.data_dir) and source in compose["volumes"]
        for source, target, *_ in mounts
    )
    published = [str(mapping).split(":") for mapping in compose["services"]["gateway"]["ports"]]
    assert [target for *_, target in published] == [str(settings.port)]


def test_service_settings_use_postgres_and_the_gateways_keys(
    compose: dict[str, Any], officina_env: pytest.MonkeyPatch
) -> None:
    migrate_env = environment_of(compose, "migrate")
    for name in SERVICES:
        env = environment_of(compose, name)
        _clear_officina_env(officina_env)
        for key, value in env.items():
            officina_env.setenv(key, value)
        config = importlib.import_module(f"services.{name}.config")
        settings = getattr(config, f"{name.capitalize()}Settings")()

        assert settings.service == name
        url = make_url(settings.resolved_database_url(env))
        assert (url.drivername, url.host) == ("postgresql+asyncpg", "postgres"), name
        assert settings.resolved_database_url(env) == migrate_env["OFFICINA_DATABASE_URL"]
        assert settings.resolved_jwks_url() == (
            f"http://gateway:{launcher_port('gateway')}/.well-known/jwks.json"
        )
        expected = (f"svc-{name}", migrate_env[f"OFFICINA_{name.upper()}_CLIENT_SECRET"])
        assert (settings.client_id, settings.client_secret) == expected, name
        if hasattr(settings, "client_credentials"):  # services that call others read these
            assert settings.client_credentials() == expected, name
        others = {f"OFFICINA_{s.upper()}_CLIENT_SECRET" for s in SERVICES if s != name}
        assert not others & set(env), f"{name} is given another service's secret"
        assert "OFFICINA_ADMIN_PASSWORD" not in env


def test_bootstrap_registers_the_clients_every_process_is_given(
    compose: dict[str, Any],
    raw_compose: dict[str, Any],
    officina_env: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    from gateway.bootstrap import load_reference_data
    from shared.kit.migrations import upgrade

    migrate_env = environment_of(compose, "migrate")
    gateway_env = environment_of(compose, "gateway")
    raw_migrate_env = environment_of(raw_compose, "migrate")
    for key, value in migrate_env.items():
        officina_env.setenv(key, value)
    url = f"sqlite+aiosqlite:///{tmp_path / 'gateway.db'}"
    upgrade("gateway", url, "gateway")
    registered = asyncio.run(
        load_reference_data(url=url, schema="gateway", data_dir=tmp_path, demo=False)
    )

    assert not (tmp_path / "admin-password.txt").exists(), "migrate must get the admin password"
    for name in SERVICES:
        secret_key = f"OFFICINA_{name.upper()}_CLIENT_SECRET"
        assert re.fullmatch(rf"\$\{{{secret_key}:-.+\}}", raw_migrate_env[secret_key]), (
            f"{secret_key} must be overridable: ${{{secret_key}:-default}}"
        )
        service_env = environment_of(compose, name)
        for key in (f"OFFICINA_{name.upper()}_CLIENT_ID", secret_key):
            assert service_env[key] == registered[key], f"{name}: {key} differs from bootstrap"
        assert gateway_env[secret_key] == registered[secret_key]
    assert gateway_env["OFFICINA_ADMIN_PASSWORD"] == migrate_env["OFFICINA_ADMIN_PASSWORD"]


def _dockerfile_instructions() -> list[tuple[str, str]]:
    text = (ROOT / "Dockerfile").read_text()
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    joined = re.sub(r"\\\n", " ", "\n".join(lines))
    instructions = []
    for line in joined.splitlines():
        if line.strip():
            keyword, _, rest = line.strip().partition(" ")
            instructions.append((keyword.upper(), " ".join(rest.split())))
    return instructions


def test_every_officina_container_is_built_from_the_one_dockerfile(
    compose: dict[str, Any],
) -> None:
    officina = [name for name in compose["services"] if name != "postgres"]
    builds = {
        json.dumps(compose["services"][name].get("build"), sort_keys=True) for name in officina
    }
    images = {compose["services"][name].get("image") for name in officina}
    assert len(builds) == 1 and len(images) == 1, (builds, images)
    build = compose["services"]["migrate"]["build"]
    build = {"context": build} if isinstance(build, str) else build
    assert (ROOT / build["context"] / build.get("dockerfile", "Dockerfile")).resolve() == (
        ROOT / "Dockerfile"
    )


def test_dockerfile_installs_pinned_and_runs_the_source_tree_as_non_root() -> None:
    instructions = _dockerfile_instructions()
    keywords = [keyword for keyword, _ in instructions]
    base = next(argument for keyword, argument in instructions if keyword == "FROM")
    assert base == "python:3.11-slim"
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    assert "3.11" in SpecifierSet(requires)

    installs = [
        (index, argument)
        for index, (keyword, argument) in enumerate(instructions)
        if keyword == "RUN" and "pip install" in argument
    ]
    assert installs, "the Dockerfile installs nothing"
    for _, argument in installs:
        assert re.search(r"(-c|--constraint)[ =]constraints\.txt\b", argument), argument
    assert any(re.search(r"pip install\b.* \.(\s|$)", argument) for _, argument in installs)

    users = [
        (index, argument)
        for index, (keyword, argument) in enumerate(instructions)
        if keyword == "USER"
    ]
    assert users and users[-1][1].split(":")[0] not in ("root", "0")
    assert users[-1][0] > max(index for index, _ in installs)

    # migrations/ is not in the wheel; processes must import the copied source tree.
    workdir = [argument for keyword, argument in instructions if keyword == "WORKDIR"][-1]
    env = " ".join(argument for keyword, argument in instructions if keyword == "ENV")
    assert re.search(rf"PYTHONPATH=(\S*:)?{re.escape(workdir)}(:|\s|$)", env), env
    copies = [
        index for index, instruction in enumerate(instructions) if instruction == ("COPY", ". .")
    ]
    assert copies and copies[0] > keywords.index("WORKDIR"), (
        "the repository is not copied to WORKDIR"
    )
    assert MIGRATIONS_ROOT == ROOT / "migrations"
    ignored = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    needed = [
        "migrations",
        "shared",
        "gateway",
        "services",
        "officina",
        "pyproject.toml",
        "constraints.txt",
    ]
    for path in needed:
        assert not any(fnmatch.fnmatch(path, pattern.strip("/")) for pattern in ignored), path

    cmd = json.loads(next(argument for keyword, argument in instructions if keyword == "CMD"))
    assert cmd[:3] == ["officina", "serve", "gateway"], cmd


def test_every_long_running_process_is_restarted_when_it_dies_and_health_checked(
    compose: dict[str, Any],
) -> None:
    """Compose restarts a dead container (the launcher's supervision, in containers); the
    one-shot job is not restarted; every process's health is probed with time to start."""
    services = compose["services"]
    for name in ("postgres", *COMPONENTS):
        assert services[name].get("restart") in ("unless-stopped", "always"), name
    for name in COMPONENTS:
        healthcheck = services[name]["healthcheck"]
        for key in ("interval", "timeout", "retries", "start_period"):
            assert healthcheck.get(key), f"{name}'s healthcheck has no {key}"
        # the gateway must not wait for the services: it answers 503 for one that is down
        assert set(services[name]["depends_on"]) == {"migrate"}, name
    assert services["migrate"].get("restart", "no") == "no"
