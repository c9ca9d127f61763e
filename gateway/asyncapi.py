"""The platform's event feeds as one AsyncAPI 3.0 document, generated from the event contracts.

Each service's feed (``/api/v1/<service>/events``) is a channel; each event type is a message
whose payload is the feed's envelope with ``type`` fixed and ``data`` the JSON Schema of the
type's payload model in ``shared.contracts``. Nothing here is written by hand per event type,
so the document cannot drift from what the services write (they are validated against the same
models when they record an event).
"""

import copy
from functools import lru_cache
from typing import Any

from pydantic.json_schema import models_json_schema

from shared.contracts.events import (
    PAYLOAD_MODULES,
    EventEnvelope,
    EventPayload,
    event_contracts,
)
from shared.contracts.principal import SERVICES

ASYNCAPI_VERSION = "3.0.0"
SCHEMAS = "#/components/schemas/"
DEFAULT_HOST = "127.0.0.1:8000"
MAX_FEED_WAIT = 30  # the kit's limit on ``wait`` (shared/kit/app.py)

DESCRIPTION = """\
Every officina service publishes what happened in it on its own feed,
`GET /api/v1/<service>/events`, read through the gateway with a bearer token (admins,
auditors, and system clients with the `<service>:read` scope).

- A feed is read in order of `seq`, which only grows: pass the last `next_after` you
  received as `after` to read on; store it with your own effects.
- With `wait` (up to 30 s) the request is held until an event arrives (long poll).
- `type` filters one event type; `limit` sets the page size (1-1000).
- Delivery is at least once: after a crash you may read an event again, so apply each one
  idempotently (by `id` or `seq`). An event never changes.

Each message below is one event type: the envelope (`seq`, `id`, `type`, `occurred_at`,
`subject`, `request_id`) with the type's payload in `data`. See docs/events.md.
"""


def platform_contracts() -> dict[str, type[EventPayload]]:
    """The event types of the platform's services, sorted by type."""
    return {
        event_type: model
        for event_type, model in event_contracts().items()
        if model.__module__ in PAYLOAD_MODULES
    }


def _summary(model: type[EventPayload]) -> str:
    return (model.__doc__ or model.__name__).strip().split("\n\n")[0].replace("\n", " ")


def _schemas(contracts: dict[str, type[EventPayload]]) -> dict[str, Any]:
    models: list[type[Any]] = [EventEnvelope, *contracts.values()]
    _, definitions = models_json_schema(
        [(model, "serialization") for model in models],
        ref_template=SCHEMAS + "{model}",
    )
    schemas: dict[str, Any] = definitions.get("$defs", {})
    return schemas


def _message(
    event_type: str, model: type[EventPayload], envelope: dict[str, Any]
) -> dict[str, Any]:
    payload = copy.deepcopy(envelope)
    payload.pop("title", None)
    payload["description"] = f"The envelope of `{event_type}` with its payload in `data`."
    payload["properties"]["type"] = {"type": "string", "const": event_type}
    payload["properties"]["data"] = {"$ref": SCHEMAS + model.__name__}
    return {
        "name": event_type,
        "title": model.__name__,
        "summary": _summary(model),
        "contentType": "application/json",
        "payload": payload,
    }


def _feed_query(event_types: list[str]) -> dict[str, Any]:
    type_schema: dict[str, Any] = {"type": "string", "description": "Only events of this type."}
    if event_types:
        type_schema["enum"] = event_types
    return {
        "type": "object",
        "properties": {
            "after": {
                "type": "integer",
                "minimum": 0,
                "default": 0,
                "description": "Return events with a larger seq (the last next_after).",
            },
            "limit": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 100},
            "type": type_schema,
            "wait": {
                "type": "number",
                "minimum": 0,
                "maximum": MAX_FEED_WAIT,
                "default": 0,
                "description": "Long-poll seconds: hold the request until an event arrives.",
            },
        },
    }


@lru_cache(maxsize=8)
def asyncapi_document(host: str = DEFAULT_HOST) -> dict[str, Any]:
    """The AsyncAPI 3.0 document of every service's feed, as served at ``/asyncapi.json``."""
    contracts = platform_contracts()
    schemas = _schemas(contracts)
    envelope = schemas.pop(EventEnvelope.__name__)
    messages = {t: _message(t, model, envelope) for t, model in contracts.items()}
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    for service in SERVICES:
        types = [t for t in contracts if t.split(".", 1)[0] == service]
        channels[service] = {
            "address": f"/api/v1/{service}/events",
            "title": f"{service} feed",
            "description": f"The events of the {service} service, in order of seq."
            + ("" if types else " It publishes none yet."),
            "servers": [{"$ref": "#/servers/gateway"}],
            "messages": {t: {"$ref": f"#/components/messages/{t}"} for t in types},
        }
        operations[f"{service}Feed"] = {
            "action": "send",
            "channel": {"$ref": f"#/channels/{service}"},
            "title": f"Read the {service} feed",
            "summary": f"GET /api/v1/{service}/events?after=&limit=&type=&wait=",
            "security": [{"$ref": "#/components/securitySchemes/bearer"}],
            "bindings": {
                "http": {"method": "GET", "query": _feed_query(types), "bindingVersion": "0.3.0"}
            },
            "messages": [{"$ref": f"#/channels/{service}/messages/{t}"} for t in types],
        }
    return {
        "asyncapi": ASYNCAPI_VERSION,
        "info": {
            "title": "officina event feeds",
            "version": "1.0.0",
            "description": DESCRIPTION,
        },
        "defaultContentType": "application/json",
        "servers": {
            "gateway": {
                "host": host,
                "protocol": "http",
                "description": "The officina gateway; every feed is read through it.",
                "security": [{"$ref": "#/components/securitySchemes/bearer"}],
            }
        },
        "channels": channels,
        "operations": operations,
        "components": {
            "schemas": schemas,
            "messages": messages,
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "bearerFormat": "JWT",
                    "description": "An access token from POST /api/v1/auth/token "
                    "(a user's password grant or a client's client_credentials grant).",
                }
            },
        },
    }
