"""Fixtures for outbound tests: actors, and a real HTTP receiver on 127.0.0.1 that can be down."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from partnerdesk.accounts.models import User
from partnerdesk.core.actor import Actor
from partnerdesk.core.permissions import PartnerRole

# The API fixtures of tests/compat (credentials, tokens, a client that sends the bearer header).
from tests.compat.conftest import _clear_cache, api_user, make_api_user


def actor_for(user: User, role: PartnerRole | None = None) -> Actor:
    return Actor(
        partner_id=user.partner_id,
        role=role or PartnerRole(user.partner_role),
        user_id=user.pk,
        display_name=user.username,
    )


@pytest.fixture
def sa_actor(super_admin: User) -> Actor:
    return actor_for(super_admin)


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: str

    @property
    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Receiver:
    """An HTTP server on a fixed free port of 127.0.0.1, started and stopped at will."""

    port: int
    status: int = 204
    requests: list[Received] = field(default_factory=list)
    _server: ThreadingHTTPServer | None = None

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def up(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length).decode()
                headers = {k.lower(): v for k, v in self.headers.items()}
                receiver.requests.append(Received(self.path, headers, body))
                self.send_response(receiver.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def down(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """Down until the test calls `up()`: connections to its port are refused."""
    r = Receiver(port=free_port())
    try:
        yield r
    finally:
        r.down()


@pytest.fixture
def local_delivery(settings: Any) -> None:
    """Let deliveries reach the test receiver (plain HTTP on 127.0.0.1)."""
    settings.OUTBOUND_ALLOW_HTTP = True
    settings.OUTBOUND_ALLOW_PRIVATE_HOSTS = True


__all__ = ["Receiver", "_clear_cache", "actor_for", "api_user", "make_api_user"]
