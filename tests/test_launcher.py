"""The launcher's own metrics endpoint, served from its single-threaded supervise loop."""

import socket
import threading
from pathlib import Path

import httpx

from officina.supervisor import Supervisor
from tests.conftest import PATIENCE
from tests.platform_runner import free_port


def test_a_silent_client_of_the_launcher_metrics_does_not_hold_up_supervision(
    tmp_path: Path,
) -> None:
    supervisor = Supervisor(
        host="127.0.0.1",
        port=free_port(),
        data_dir=tmp_path,
        environment={},
        metrics_port=free_port(),
    )
    supervisor.start_metrics()
    assert supervisor.metrics_server is not None
    try:
        # connects and never sends a request
        silent = socket.create_connection(("127.0.0.1", supervisor.metrics_port or 0))
        ticked = threading.Event()

        def tick() -> None:
            supervisor.tick()
            ticked.set()

        thread = threading.Thread(target=tick, daemon=True)
        thread.start()
        thread.join(timeout=PATIENCE)
        assert ticked.is_set(), "the supervise loop is stuck on a silent metrics client"
        silent.close()

        answers: list[httpx.Response] = []
        reader = threading.Thread(
            target=lambda: answers.append(
                httpx.get(f"http://127.0.0.1:{supervisor.metrics_port}/metrics", timeout=PATIENCE)
            ),
            daemon=True,
        )
        reader.start()
        while reader.is_alive():
            supervisor.tick()
        assert answers[0].status_code == 200
        assert 'officina_launcher_restarts_total{component="hr"} 0.0' in answers[0].text
    finally:
        supervisor.stop_all()
