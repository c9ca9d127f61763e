"""The address a request comes from, trusting ``Forwarded`` / ``X-Forwarded-For`` only from
the proxies an operator names (``OFFICINA_TRUSTED_PROXIES``; none by default).

With no trusted proxy the peer of the TCP connection is the address, whatever the headers
say, so a caller cannot claim another address to escape a limit. Behind trusted proxies the
address is the right-most hop that is not itself a trusted proxy: everything to its left was
written by the caller and proves nothing.
"""

import ipaddress
from collections.abc import Iterable, Sequence

from starlette.types import Scope

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(values: Iterable[str]) -> tuple[Network, ...]:
    """Addresses or CIDR blocks (``10.0.0.0/8``, ``::1``) as networks."""
    return tuple(ipaddress.ip_network(value.strip(), strict=False) for value in values if value)


def _ip(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    value = value.strip().strip('"')
    if value.startswith("["):  # "[2001:db8::1]:4711"
        value = value[1 : value.find("]")] if "]" in value else value[1:]
    elif value.count(":") == 1:  # "192.0.2.1:4711"
        value = value.split(":", 1)[0]
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


def _trusted(value: str, networks: Sequence[Network]) -> bool:
    address = _ip(value)
    return address is not None and any(address in network for network in networks)


def _forwarded_hops(headers: Iterable[tuple[bytes, bytes]]) -> list[str]:
    """The client hops the headers list, oldest first (``Forwarded`` preferred, RFC 7239)."""
    forwarded: list[str] = []
    x_forwarded: list[str] = []
    for name, raw in headers:
        if name == b"forwarded":
            for element in raw.decode("latin-1").split(","):
                for pair in element.split(";"):
                    key, _, value = pair.strip().partition("=")
                    if key.lower() == "for" and value:
                        forwarded.append(value.strip())
        elif name == b"x-forwarded-for":
            x_forwarded.extend(
                hop.strip() for hop in raw.decode("latin-1").split(",") if hop.strip()
            )
    return forwarded or x_forwarded


def client_address(scope: Scope, trusted: Sequence[Network]) -> str:
    """The caller's address as far as it can be trusted."""
    client = scope.get("client")
    peer = str(client[0]) if client else "unknown"
    if not trusted or not _trusted(peer, trusted):
        return peer
    hops = _forwarded_hops(scope.get("headers", ()))
    for hop in reversed(hops):
        if not _trusted(hop, trusted):
            address = _ip(hop)
            return str(address) if address is not None else hop
    return peer
