"""Real loopback servers for notifications: an HTTP receiver for webhooks and an SMTP
server for e-mail, each in a thread, each recording what it received."""

from __future__ import annotations

import email
import email.policy
import threading
import warnings
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


class Receiver:
    """What the webhook receiver got: ``requests`` as (headers dict, body bytes); the
    next answers to give in ``statuses`` (200 once they run out)."""

    def __init__(self) -> None:
        self.requests: list[tuple[dict, bytes]] = []
        self.statuses: list[int] = []
        self.url = ""


@pytest.fixture
def receiver():
    got = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's name)
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            got.requests.append((dict(self.headers.items()), body))
            self.send_response(got.statuses.pop(0) if got.statuses else 200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    got.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/saraban"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield got
    server.shutdown()
    server.server_close()


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on loopback (stdlib ``smtpd``), with Django set to send to it.
    Yields the list of received messages (``email.message.EmailMessage``)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import asyncore
        import smtpd

    received: list = []

    class Sink(smtpd.SMTPServer):
        def process_message(self, peer, mailfrom, rcpttos, data, **kwargs):
            message = email.message_from_bytes(data, policy=email.policy.default)
            received.append(message)

    sockets: dict = {}
    server = Sink(("127.0.0.1", 0), None, decode_data=False, map=sockets)
    thread = threading.Thread(target=asyncore.loop, kwargs={"timeout": 0.05, "map": sockets}, daemon=True)
    thread.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.socket.getsockname()[1]
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    yield received
    for channel in list(sockets.values()):
        channel.close()
    thread.join(timeout=2)
