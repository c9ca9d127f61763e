"""The AsyncAPI document of the event feeds: served without a token, generated from the event
contracts (every type listed, payloads as the contracts say), and valid AsyncAPI 3.0 for the
reference parser."""

import json
import os
import re
import shutil
import subprocess
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator

from gateway.asyncapi import asyncapi_document, platform_contracts
from shared.contracts.events import EventEnvelope, EventSubject, validate_event_data
from shared.contracts.principal import SERVICES
from shared.contracts.workflow_events import ApprovalSubject, InstanceCompleted
from tests.gateway.conftest import GatewayUnderTest
from tests.org.conftest import API as ORG_API
from tests.org.conftest import OrgService, org  # noqa: F401 (the fixture)

ROOT = Path(__file__).resolve().parents[2]
VALIDATOR = ROOT / "tools" / "asyncapi"


async def test_the_document_is_served_without_a_token(gateway: GatewayUnderTest) -> None:
    response = await gateway.client.get("/asyncapi.json")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    document = response.json()
    assert document["asyncapi"] == "3.0.0"
    assert document["servers"]["gateway"]["host"] == "gateway.test"  # where it was asked
    assert document["channels"]["org"]["address"] == "/api/v1/org/events"


def test_every_event_type_is_a_message_of_its_service_feed() -> None:
    document = asyncapi_document()
    contracts = platform_contracts()

    assert set(document["components"]["messages"]) == set(contracts)
    assert {"org.employee.created", "workflow.instance.completed", "hr.leave_request.approved"} <= (
        set(contracts)
    )
    assert set(document["channels"]) == set(SERVICES)
    for event_type, model in contracts.items():
        service = event_type.split(".")[0]
        assert event_type in document["channels"][service]["messages"]
        message = document["components"]["messages"][event_type]
        assert message["payload"]["properties"]["type"]["const"] == event_type
        assert message["payload"]["properties"]["data"] == {
            "$ref": f"#/components/schemas/{model.__name__}"
        }
        assert message["summary"]
        query = document["operations"][f"{service}Feed"]["bindings"]["http"]["query"]
        assert event_type in query["properties"]["type"]["enum"]


def test_the_integrators_page_lists_every_event_type_and_no_other() -> None:
    page = (ROOT / "docs" / "events.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| `([a-z_]+\.[a-z_]+\.[a-z_]+)` \|", page, re.MULTILINE))

    assert listed == set(platform_contracts())


def _payload_validator(event_type: str) -> Draft7Validator:
    document = asyncapi_document()
    schema = {**document, "$ref": f"#/components/messages/{event_type}/payload"}
    return Draft7Validator(schema)


def _wire(event_type: str, data: dict[str, Any]) -> dict[str, Any]:
    envelope = EventEnvelope(
        seq=12,
        id=uuid.uuid4(),
        type=event_type,
        occurred_at=datetime.now(UTC),
        subject=EventSubject(type="instance", id=str(uuid.uuid4())),
        data=data,
    )
    return envelope.model_dump(mode="json")


def test_an_event_as_the_feed_serves_it_matches_its_message_and_a_broken_one_does_not() -> None:
    data = validate_event_data(
        "workflow.instance.completed",
        InstanceCompleted(
            instance_id=uuid.uuid4(),
            definition_key="leave",
            subject=ApprovalSubject(service="hr", type="leave_request", id=str(uuid.uuid4())),
            requester_employee_id=uuid.uuid4(),
            outcome="approved",
        ),
    )
    validator = _payload_validator("workflow.instance.completed")

    assert list(validator.iter_errors(_wire("workflow.instance.completed", data))) == []
    assert list(validator.iter_errors(_wire("workflow.instance.started", data)))  # wrong type
    broken = {k: v for k, v in data.items() if k != "outcome"}
    assert list(validator.iter_errors(_wire("workflow.instance.completed", broken)))


async def test_the_events_org_serves_match_their_messages(org: OrgService) -> None:  # noqa: F811
    someone = await org.hire("李四")
    await org.client.patch(
        f"{ORG_API}/employees/{someone['id']}",
        json={"phone": "13800000000"},
        headers={**org.hr(), "If-Match": f'"{someone["version"]}"'},
    )
    await org.client.post(
        f"{ORG_API}/employees/{someone['id']}/leave",
        json={"leave_date": "2025-03-31", "reason": "个人原因"},
        headers=org.hr(),
    )
    rnd = await org.department("RND")
    await org.client.patch(
        f"{ORG_API}/departments/{rnd['id']}", json={"name": "研究开发部"}, headers=org.admin()
    )
    await org.feed_head()  # everything committed is published

    events = await org.events_after(0)

    assert {e["type"] for e in events} >= {
        "org.department.created",
        "org.department.updated",
        "org.employee.created",
        "org.employee.updated",
        "org.employee.left",
    }
    for event in events:
        errors = list(_payload_validator(event["type"]).iter_errors(event))
        assert errors == [], (event, [e.message for e in errors])


def _validator_installed() -> bool:
    return shutil.which("node") is not None and (VALIDATOR / "node_modules" / "@asyncapi").is_dir()


def test_the_document_is_valid_asyncapi_3_for_the_reference_parser(tmp_path: Path) -> None:
    if not _validator_installed():
        if os.environ.get("CI"):
            pytest.fail(
                "the AsyncAPI validator is not installed: make test installs tools/asyncapi"
            )
        pytest.skip("node or tools/asyncapi/node_modules missing: run make test once")
    served = tmp_path / "served.json"
    served.write_text(json.dumps(asyncapi_document()), encoding="utf-8")
    # The same document with one payload broken: the parser must notice (it is not a no-op).
    document = json.loads(served.read_text(encoding="utf-8"))
    message = document["components"]["messages"]["org.employee.created"]
    message["payload"]["properties"]["data"] = {"type": "not-a-type"}
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(document), encoding="utf-8")

    result = subprocess.run(
        ["node", str(VALIDATOR / "validate.mjs"), str(served), str(broken)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )

    assert result.returncode in (0, 1), result.stderr
    diagnostics = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    found = {
        (Path(d["file"]).name, d["severity"])
        for d in diagnostics
        if d["severity"] <= 1  # errors and warnings; hints and advice to move to 3.1 aside
    }
    assert ("served.json", 0) not in found, result.stdout
    assert ("served.json", 1) not in found, result.stdout
    assert ("broken.json", 0) in found, result.stdout
