"""One OpenAPI document for the platform: the gateway's own paths plus every service's."""

import json
import logging
from typing import Any

from shared.kit.openapi import honest_openapi

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
    # The gateway's own routes (accounts and tokens) do not take Idempotency-Key.
    merged = honest_openapi(gateway_doc, idempotency=False)
    merged.setdefault("paths", {})
    components = merged.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    tags = {tag["name"]: tag for tag in merged.get("tags", [])}
    for service, document in service_docs.items():
        document = honest_openapi(document)
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
    # Paths are absolute from the gateway's root; "/" lets generated clients and "Try it out"
    # call whichever host served the document.
    merged["servers"] = [{"url": "/", "description": "the gateway that served this document"}]
    merged["tags"] = ordered_tags(merged, tags)
    if missing:
        merged["info"]["description"] = (
            merged["info"].get("description", "")
            + "\n\n**Not included right now (service unavailable):** "
            + ", ".join(missing)
        )
    return merged


# The platform's order: the gateway's own routes, then the services as a request flows.
SERVICE_ORDER = ("auth", "org", "workflow", "hr", "finance", "logistics")
SERVICE_DESCRIPTIONS = {
    "auth": "Accounts, OAuth2 tokens (password, refresh, client credentials), clients and roles; served by the gateway itself.",
    "org": "The company: profile, departments, positions, employees, documents and parties (customers and suppliers).",
    "workflow": "The approval engine: definitions, instances, tasks, substitutes and the company's inbox.",
    "hr": "Leave: types, balances, requests and cancellations approved through workflow, calendars and absences.",
    "finance": "Finance: ledger, budgets, expense claims, payments, receivables and payables.",
    "logistics": "Logistics: facilities, supplies, meeting rooms, vehicles and business travel.",
}


def _tag_service(name: str) -> str:
    return name.split(":", 1)[0].strip()


def ordered_tags(
    document: dict[str, Any], declared: dict[str, dict[str, Any]]
) -> list[dict[str, Any]]:
    """Every tag the operations use, with a description, in the platform's order."""
    used: dict[str, None] = {}
    for item in document.get("paths", {}).values():
        for operation in item.values():
            if isinstance(operation, dict):
                for tag in operation.get("tags", []):
                    used.setdefault(tag, None)
    names = set(used) | set(declared)

    def key(name: str) -> tuple[int, int, str]:
        service = _tag_service(name)
        rank = SERVICE_ORDER.index(service) if service in SERVICE_ORDER else len(SERVICE_ORDER)
        # the service's platform routes (feed, audit log) after its domain
        return rank, int(name.endswith(": platform")), name

    tags = []
    for name in sorted(names, key=key):
        tag = dict(declared.get(name, {"name": name}))
        if not tag.get("description"):
            service = _tag_service(name)
            if name.endswith(": platform"):
                tag["description"] = (
                    f"{service}'s event feed and audit log, read by other services and integrators."
                )
            elif ":" in name:
                topic = name.split(":", 1)[1].strip()
                tag["description"] = (
                    f"{service.capitalize()} — {topic}. {SERVICE_DESCRIPTIONS.get(service, '')}".strip()
                )
            else:
                tag["description"] = SERVICE_DESCRIPTIONS.get(service, name)
        tags.append(tag)
    return tags
