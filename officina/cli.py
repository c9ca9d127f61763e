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
from officina.supervisor import RestartPolicy, Supervisor, preload
from shared.registry import LAUNCHER_METRICS_OFFSET

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
    port: Annotated[int, typer.Option(help="Gateway port; services take the next ones.")] = 8000,
    data_dir: DataDir = Path("./data"),
    host: Annotated[str, typer.Option(help="Address every process listens on.")] = "127.0.0.1",
    demo: Annotated[
        bool, typer.Option("--demo", help="Load a demo company to try every screen.")
    ] = False,
    metrics_port: Annotated[
        int | None,
        typer.Option(
            help="Port of the launcher's own /metrics (restarts); default the gateway's + "
            f"{LAUNCHER_METRICS_OFFSET}, 0 for none."
        ),
    ] = None,
) -> None:
    """Migrate, seed and run the gateway and the services until Ctrl-C or SIGTERM.

    A process that dies is restarted (with back-off; given up on after too many restarts
    within a minute, the others keep running).
    """
    data_dir = data_dir.resolve()
    typer.echo("officina: migrating and loading reference data")
    try:
        environment = migrate_all(data_dir, demo=demo)
        fork = os.environ.get("OFFICINA_FORK", "1") != "0"
        if fork:
            failed = preload()
            if failed:
                typer.echo(f"officina: could not import {', '.join(failed)}", err=True)
    except KeyboardInterrupt:
        typer.echo("officina: stopped (SIGINT) while migrating", err=True)
        sys.exit(130)
    supervisor = Supervisor(
        host=host,
        port=port,
        data_dir=data_dir,
        environment=environment,
        policy=RestartPolicy.from_environment(),
        metrics_port=port + LAUNCHER_METRICS_OFFSET if metrics_port is None else metrics_port,
        fork=fork,
    )

    def stop(signum: int, _frame: object) -> None:
        supervisor.request_stop(signal.Signals(signum).name)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    supervisor.start_all()
    sys.exit(supervisor.supervise(f"http://{host}:{port}/readyz", ready_timeout=60))


@app.command()
def serve(
    name: Annotated[str, typer.Argument(help="The component: gateway or a service's name.")],
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    graceful: Annotated[
        float, typer.Option(help="Seconds requests in flight get when stopping.")
    ] = 5.0,
) -> None:
    """Serve one component, as a container runs it (compose, Kubernetes).

    The same server ``officina up`` forks for each process: on SIGTERM, long polls end at once
    with a 503 problem and nothing prints a traceback; forwarded headers are left to the
    gateway's trusted-proxy setting. Configuration comes from the OFFICINA_* environment.
    """
    if name not in COMPONENTS:
        typer.echo(f"officina: no component {name!r}; one of {', '.join(COMPONENTS)}", err=True)
        raise typer.Exit(2)
    from officina.child import serve as serve_component

    # uvicorn stops on SIGTERM, then raises the signal again under the handler it found: a
    # stop that went well is exit status 0, not "killed by SIGTERM".
    signal.signal(signal.SIGTERM, lambda _signum, _frame: sys.exit(0))
    raise typer.Exit(serve_component(name, host=host, port=port, graceful_seconds=graceful))


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
