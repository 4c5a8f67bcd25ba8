"""Where a webhook may go (SSRF protection): an ``https`` URL whose host resolves only to public addresses.

A webhook makes this server send requests to an address its users chose, so without this check an
organisation could make it reach the cloud's metadata service (169.254.169.254), a database on the
private network or a port on localhost. The check runs when an endpoint is registered AND before every
attempt (a name's addresses can change after registration). The transport then connects to the address
checked here, not to the name again, so a DNS answer that changes between the check and the connection
(DNS rebinding) cannot slip a private address in.

Only ``https`` is accepted, in development too: for a receiver on your own machine use an HTTPS tunnel
with a public address.
"""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit


class UnsafeURL(ValueError):
    """The URL may not receive webhooks; ``str()`` is the reason, for the user."""


@dataclass(frozen=True)
class Target:
    """A checked URL: connect to ``address`` (public), speak TLS to ``host``, request ``path``."""

    host: str
    port: int
    path: str
    address: str


def resolve(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to (tests replace this: they never use the network)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def refusal(address: str) -> str:
    """Why ``address`` may not receive webhooks; empty if it is a public unicast address."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone id
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1
    for kind, flag in (
        ("loopback", ip.is_loopback),
        ("private", ip.is_private),
        ("link-local", ip.is_link_local),
        ("multicast", ip.is_multicast),
        ("reserved", ip.is_reserved),
        ("unspecified", ip.is_unspecified),
    ):
        if flag:
            return f"{ip} is a {kind} address"
    if not ip.is_global:  # shared address space (100.64.0.0/10) and other special-purpose blocks
        return f"{ip} is not a public address"
    return ""


def check_url(url: str) -> Target:
    """The URL's target, resolved and checked; ``UnsafeURL`` with the reason otherwise."""
    try:
        parts = urlsplit(url)
        port = parts.port or 443
    except ValueError as error:
        raise UnsafeURL(f"This is not a valid URL ({error}).") from None
    if parts.scheme != "https":
        raise UnsafeURL("Only https:// URLs can receive webhooks.")
    if parts.username or parts.password:
        raise UnsafeURL("Put no user name or password in the URL: check the signature instead.")
    host = parts.hostname
    if not host:
        raise UnsafeURL("The URL has no host.")
    try:
        addresses = [str(ipaddress.ip_address(host))]  # an address written in the URL
    except ValueError:
        try:
            addresses = resolve(host, port)
        except (OSError, UnicodeError):
            raise UnsafeURL(f"{host} does not resolve to an address.") from None
    if not addresses:
        raise UnsafeURL(f"{host} does not resolve to an address.")
    for address in addresses:
        reason = refusal(address)
        if reason:
            raise UnsafeURL(f"{host} is refused: {reason}. Webhooks only go to public addresses.")
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return Target(host=host, port=port, path=path, address=addresses[0])
