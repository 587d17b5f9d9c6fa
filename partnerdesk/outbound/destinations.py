"""Where partnerdesk may send: HTTPS to public addresses only, so a webhook cannot be aimed at
the portal's own network (SSRF). Checked when an endpoint is saved and again before each send."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import SplitResult, urlsplit

from django.conf import settings

from partnerdesk.core.errors import ValidationFailed

MAX_URL_LENGTH = 2000


def _refuse(message: str) -> ValidationFailed:
    return ValidationFailed(message, fields={"url": message}, code="badRequest.url")


def _split(url: str) -> SplitResult:
    if not url:
        raise _refuse("Enter the endpoint's URL.")
    if len(url) > MAX_URL_LENGTH:
        raise _refuse(f"URLs are at most {MAX_URL_LENGTH} characters.")
    if any(ord(c) <= 32 or ord(c) == 127 for c in url):
        raise _refuse("URLs cannot contain spaces or control characters.")
    parts = urlsplit(url)
    allow_http = getattr(settings, "OUTBOUND_ALLOW_HTTP", False)
    if parts.scheme.lower() != "https" and not (allow_http and parts.scheme.lower() == "http"):
        raise _refuse("The URL must start with https:// (deliveries are sent over HTTPS only).")
    if not parts.hostname:
        raise _refuse("The URL must name a host, like https://hooks.example.com/partnerdesk.")
    if parts.username is not None or parts.password is not None:
        raise _refuse("The URL must not contain a user name or password.")
    if parts.fragment:
        raise _refuse("The URL must not contain a fragment (#...).")
    try:
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError:
        raise _refuse("The URL's port must be a number from 1 to 65535.") from None
    return parts


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def resolve(host: str, port: int) -> list[str]:
    """The addresses `host` resolves to now; empty when it does not resolve."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return []
    return sorted({str(info[4][0]) for info in infos})


def private_address(host: str, port: int) -> str | None:
    """The first non-public address `host` resolves to, or None when all are public."""
    if getattr(settings, "OUTBOUND_ALLOW_PRIVATE_HOSTS", False):
        return None
    for address in resolve(host, port):
        if not _is_public(address):
            return address
    return None


def clean_url(url: str) -> str:
    """The URL, stripped, or ValidationFailed with a message that says what to fix.

    A host that does not resolve yet is accepted (its deliveries fail and retry until it
    does); a host that resolves to a private, loopback or link-local address is refused."""
    url = (url or "").strip()
    parts = _split(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    address = private_address(host, port)
    if address is not None:
        raise _refuse(
            f"{host} resolves to {address}, a private, loopback or link-local address; "
            "webhooks are delivered to public addresses only."
        )
    return url
