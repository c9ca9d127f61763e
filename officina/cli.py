"""``officina``: migrate, seed and run the platform; write the merged OpenAPI document."""

import asyncio
import json
import os
import signal
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from officina.components import COMPONENTS, component, load_callable
from officina.supervisor import Supervisor, wait_until_ready

app = typer.Typer(
    help="officina: the operations backend.", no_args_is_help=True, add_completion=False
)
keys_app = typer.Typer(help="Token-signing keys.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")

DataDir = Annotated[
    Path, typer.Option("--data-dir", help="Where SQLite files, keys and secrets live.")
]


def database_url(name: str, data_dir: Path) -> str:
    """The database URL a component uses, by the same precedence as its settings."""
    specific = os.environ.get(f"OFFICINA_{name.upper()}_DATABASE_URL")
    if specific:
        return specific
    shared_url = os.environ.get("OFFICINA_DATABASE_URL")
    if shared_url:
        return shared_url
    return f"sqlite+aiosqlite:///{(data_dir / f'{name}.db').resolve()}"


async def _call(function: Callable[..., Awaitable[Any]], **kwargs: Any) -> Any:
    return await function(**kwargs)


def migrate_all(data_dir: Path, *, demo: bool = False) -> dict[str, str]:
    """Migrate every component, load its reference data; returns environment for the processes."""
    from shared.kit.migrations import upgrade

    data_dir.mkdir(parents=True, exist_ok=True)
    environment: dict[str, str] = {}
    prefix = os.environ.get("OFFICINA_SCHEMA_PREFIX", "")
    for name in COMPONENTS:
        url = database_url(name, data_dir)
        schema = f"{prefix}{name}"
        started = time.perf_counter()
        upgrade(name, url, schema)
        seed_path = component(name).reference_data
        seed = load_callable(seed_path) if seed_path else None
        if seed is not None:
            produced: dict[str, str] = asyncio.run(
                _call(seed, url=url, schema=schema, data_dir=data_dir, demo=demo)
            )
            environment.update(produced or {})
        typer.echo(f"  {name:<10} migrated and seeded in {time.perf_counter() - started:.2f}s")
    if demo:
        from officina.demo import load_demo

        for line in asyncio.run(load_demo(data_dir)):
            typer.echo(f"  {line}")
    return environment


@app.command()
def migrate(
    data_dir: DataDir = Path("./data"),
    demo: bool = typer.Option(False, help="Load the demo company."),
) -> None:
    """Bring every schema to the newest revision and load reference data."""
    migrate_all(data_dir, demo=demo)


@app.command()
def up(
    port: Annotated[int, typer.Option(help="Gateway port; services take the next five.")] = 8000,
    data_dir: DataDir = Path("./data"),
    host: Annotated[str, typer.Option(help="Address every process listens on.")] = "127.0.0.1",
    demo: Annotated[
        bool, typer.Option("--demo", help="Load a demo company to try every screen.")
    ] = False,
) -> None:
    """Migrate, seed and run the gateway and the five services until Ctrl-C or SIGTERM."""
    data_dir = data_dir.resolve()
    typer.echo("officina: migrating and loading reference data")
    environment = migrate_all(data_dir, demo=demo)
    supervisor = Supervisor(host=host, port=port, data_dir=data_dir, environment=environment)

    def stop(signum: int, _frame: object) -> None:
        supervisor.request_stop(signal.Signals(signum).name)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    supervisor.start_all()
    gateway_url = f"http://{host}:{port}"
    if wait_until_ready(f"{gateway_url}/readyz", supervisor, timeout=60):
        typer.echo(
            f"officina is ready: docs at {gateway_url}/docs (OpenAPI at {gateway_url}/openapi.json)"
        )
    sys.exit(supervisor.supervise())


@app.command()
def openapi(
    output: Annotated[
        Path | None, typer.Option(help="File to write; standard output if omitted.")
    ] = None,
) -> None:
    """Write the platform's merged OpenAPI document without starting anything."""
    from gateway.app import create_app as create_gateway
    from gateway.keys import KeyRing
    from gateway.openapi import merge_documents
    from shared.kit.tokens import SigningKey

    documents = {}
    for name in COMPONENTS[1:]:
        factory = load_callable(component(name).app_factory)
        assert factory is not None
        documents[name] = factory().openapi()  # type: ignore[attr-defined]
    gateway = create_gateway(keys=KeyRing(SigningKey.generate()))
    text = json.dumps(
        merge_documents(gateway.openapi(), documents, []), indent=2, ensure_ascii=False
    )
    if output:
        output.write_text(text + "\n", encoding="utf-8")
        typer.echo(f"wrote {output}")
    else:
        typer.echo(text)


@keys_app.command("rotate")
def rotate_keys(data_dir: DataDir = Path("./data")) -> None:
    """Start signing with a new key; tokens signed by the previous one keep verifying."""
    from gateway.keys import KeyRing

    typer.echo(f"new signing key: {KeyRing.rotate(data_dir)}")


def main() -> None:
    """Entry point of the ``officina`` command."""
    app()


if __name__ == "__main__":
    main()
