"""One OpenAPI document for the platform: the gateway's own paths plus every service's."""

import copy
import json
import logging
from typing import Any

log = logging.getLogger("officina.gateway.openapi")

SECURITY_SCHEME = {
    "OAuth2PasswordBearer": {
        "type": "oauth2",
        "flows": {"password": {"tokenUrl": "/api/v1/auth/token", "scopes": {}}},
        "description": "Log in with a username and password; every call then carries the bearer token.",
    }
}


def _rename_refs(document: dict[str, Any], renames: dict[str, str]) -> dict[str, Any]:
    if not renames:
        return document
    text = json.dumps(document)
    for old, new in renames.items():
        text = text.replace(f'"#/components/schemas/{old}"', f'"#/components/schemas/{new}"')
    result: dict[str, Any] = json.loads(text)
    return result


def merge_documents(
    gateway_doc: dict[str, Any], service_docs: dict[str, dict[str, Any]], missing: list[str]
) -> dict[str, Any]:
    """Merge service documents into the gateway's; schema names that clash get the service's prefix."""
    merged = copy.deepcopy(gateway_doc)
    merged.setdefault("paths", {})
    components = merged.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    tags = {tag["name"]: tag for tag in merged.get("tags", [])}
    for service, document in service_docs.items():
        incoming = document.get("components", {}).get("schemas", {})
        renames = {
            name: f"{service.title()}{name}"
            for name, schema in incoming.items()
            if name in schemas and schemas[name] != schema
        }
        document = _rename_refs(document, renames)
        for name, schema in document.get("components", {}).get("schemas", {}).items():
            schemas[renames.get(name, name)] = schema
        for path, item in document.get("paths", {}).items():
            merged["paths"][path] = item
        for tag in document.get("tags", []):
            tags.setdefault(tag["name"], tag)
    components["securitySchemes"] = SECURITY_SCHEME
    if tags:
        merged["tags"] = list(tags.values())
    if missing:
        merged["info"]["description"] = (
            merged["info"].get("description", "")
            + "\n\n**Not included right now (service unavailable):** "
            + ", ".join(missing)
        )
    return merged
