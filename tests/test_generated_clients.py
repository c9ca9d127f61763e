"""Clients generated from the merged OpenAPI document work (issue 11, items 1 and 3).

- the document passes the project's Redocly rules (``tools/clients/redocly.yaml``);
- openapi-typescript's types, used through openapi-fetch by ``tools/clients/sample.ts``,
  compile with ``tsc`` in strict mode;
- openapi-python-client generates a package that ``examples/python_client.py`` imports and
  drives against the real platform: log in, a cursor, an idempotency key, If-Match, and
  404 / 409 / 412 / 422 as typed problems.

The tools are installed by ``make test`` (``tools/clients``, exact versions).
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.platform_runner import ADMIN_PASSWORD
from tests.test_openapi_contract import merged_document

if TYPE_CHECKING:
    from tests.platform_runner import RunningPlatform

ROOT = Path(__file__).resolve().parents[1]
TOOLS = ROOT / "tools" / "clients"
NODE_BIN = TOOLS / "node_modules" / ".bin"
GENERATOR = TOOLS / ".venv" / "bin" / "openapi-python-client"

pytestmark = pytest.mark.skipif(
    shutil.which("npm") is None, reason="npm is not installed; make test installs the tools with it"
)


def run(command: list[str | Path], cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [str(part) for part in command], cwd=cwd, capture_output=True, text=True, timeout=900
    )
    assert result.returncode == 0, f"{command[0]} failed:\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def document_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("openapi") / "openapi.json"
    path.write_text(json.dumps(merged_document(), ensure_ascii=False), encoding="utf-8")
    return path


def test_the_document_passes_the_projects_lint_rules(document_file: Path) -> None:
    result = run([NODE_BIN / "redocly", "lint", document_file, "--config", TOOLS / "redocly.yaml"])
    assert "Woohoo! Your API description is valid." in result.stdout + result.stderr


def test_a_typescript_client_compiles_strictly(document_file: Path) -> None:
    run([NODE_BIN / "openapi-typescript", document_file, "-o", TOOLS / "api.d.ts"])
    run([NODE_BIN / "tsc", "-p", TOOLS / "tsconfig.json"])


def test_a_typescript_caller_that_misuses_the_api_does_not_compile(
    document_file: Path, tmp_path: Path
) -> None:
    """The types carry the contract: a wrong path parameter name is a compile error."""
    run([NODE_BIN / "openapi-typescript", document_file, "-o", TOOLS / "api.d.ts"])
    wrong = TOOLS / "build" / "wrong.ts"
    wrong.parent.mkdir(exist_ok=True)
    wrong.write_text(
        'import createClient from "openapi-fetch";\n'
        'import type { paths } from "../api";\n'
        'const api = createClient<paths>({ baseUrl: "" });\n'
        'export const call = api.GET("/api/v1/org/departments/{department_id}", '
        "{ params: { path: { id: 1 } } });\n",
        encoding="utf-8",
    )
    config = TOOLS / "build" / "tsconfig.json"
    settings = json.loads((TOOLS / "tsconfig.json").read_text())
    settings["files"] = ["wrong.ts"]
    config.write_text(json.dumps(settings), encoding="utf-8")
    result = subprocess.run(
        [str(NODE_BIN / "tsc"), "-p", str(config)], capture_output=True, text=True, timeout=900
    )
    assert result.returncode != 0
    assert "department_id" in result.stdout


def test_a_generated_python_client_drives_the_platform(
    platform: "RunningPlatform", document_file: Path, tmp_path: Path
) -> None:
    run(
        [
            GENERATOR,
            "generate",
            "--path",
            document_file,
            "--meta",
            "none",
            "--output-path",
            tmp_path / "officina_client",
        ]
    )
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "examples" / "python_client.py"),
            "--url",
            platform.url,
            "--password",
            ADMIN_PASSWORD,
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[-1] == "done"
    assert any(line.startswith("update with a stale If-Match: 412") for line in lines)
    assert any(line.startswith("reading a department that does not exist: 404") for line in lines)
    assert any(
        line.startswith("creating a second department with the same code: 409") for line in lines
    )
    assert any(line.startswith("creating a department with an empty code: 422") for line in lines)
