"""A loopback PKI responder for the test CA: its CRL, OCSP (RFC 6960) and a timestamp
authority (RFC 3161), over plain HTTP on 127.0.0.1.

For development, the demo and the tests only (``signing_ca --serve`` runs it in the
foreground). The timestamp tokens are made by pyHanko's own ``DummyTimeStamper`` with
the TSA certificate the test CA issued, so they are ordinary RFC 3161 tokens that any
validator reads.

Paths (``base_url`` = ``http://127.0.0.1:<port>``):

- ``GET /crl`` — the CA's CRL, DER (``application/pkix-crl``)
- ``POST /ocsp`` (body: DER request) or ``GET /ocsp/<base64 request>`` — DER response
- ``GET /ca.crt`` — the CA certificate, DER
- ``POST /tsa`` (body: DER ``TimeStampReq``) — DER ``TimeStampResp``
"""

from __future__ import annotations

import base64
import contextlib
import threading
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography.hazmat.primitives import serialization

from saraban.signing import pki


class _Handler(BaseHTTPRequestHandler):
    server: "Responder"

    def log_message(self, format, *args):  # quiet: tests and the demo print their own lines
        pass

    def _send(self, body: bytes, content_type: str, status: int = 200) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _count(self) -> None:
        name = self.path.strip("/").split("/")[0]  # "ocsp" for /ocsp and /ocsp/<request>
        self.server.hits[name] = self.server.hits.get(name, 0) + 1

    def do_GET(self):  # noqa: N802 (http.server's name)
        self._count()
        if self.path == "/crl":
            return self._send(pki.crl(self.server.authority), "application/pkix-crl")
        if self.path == "/ca.crt":
            return self._send(self.server.authority.certificate.public_bytes(serialization.Encoding.DER),
                              "application/pkix-cert")
        if self.path.startswith("/ocsp/"):
            request = base64.b64decode(urllib.parse.unquote(self.path[len("/ocsp/"):]))
            return self._send(pki.ocsp_answer(self.server.authority, request), "application/ocsp-response")
        return self._send(b"not found", "text/plain", 404)

    def do_POST(self):  # noqa: N802
        body = self.rfile.read(min(int(self.headers.get("Content-Length") or 0), 1 << 20))
        self._count()
        if self.path == "/ocsp":
            return self._send(pki.ocsp_answer(self.server.authority, body), "application/ocsp-response")
        if self.path == "/tsa" and self.server.timestamper is not None:
            from asn1crypto import tsp

            try:
                request = tsp.TimeStampReq.load(body)
                request.native  # parse it all now: a bad request is a 400, not a broken thread
            except ValueError:
                return self._send(b"bad timestamp request", "text/plain", 400)
            answer = self.server.timestamper.request_tsa_response(request)
            return self._send(answer.dump(), "application/timestamp-reply")
        return self._send(b"not found", "text/plain", 404)


class Responder(ThreadingHTTPServer):
    """The HTTP server; ``hits`` counts requests per path (``crl``, ``ocsp``, ``tsa``…)."""

    daemon_threads = True

    def __init__(self, authority: pki.Authority, tsa: tuple | None, host: str = "127.0.0.1", port: int = 0):
        super().__init__((host, port), _Handler)
        self.authority = authority
        self.hits: dict[str, int] = {}
        self.timestamper = None
        if tsa is not None:
            from asn1crypto import keys, x509
            from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

            key, certificate = tsa
            self.timestamper = DummyTimeStamper(
                tsa_cert=x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER)),
                tsa_key=keys.PrivateKeyInfo.load(key.private_bytes(
                    serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())),
                certs_to_embed=[x509.Certificate.load(authority.certificate.public_bytes(serialization.Encoding.DER))],
            )

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"


@contextlib.contextmanager
def serving(authority: pki.Authority, *, tsa: tuple | None = None, host: str = "127.0.0.1",
            port: int = 0) -> Iterator[Responder]:
    """Run a :class:`Responder` for ``authority`` in a background thread while the block
    runs. ``tsa`` is ``(key, certificate)`` of a TSA certificate (see
    :func:`pki.issue` with ``purpose="tsa"``) to answer ``/tsa``; ``port`` 0 picks a free
    one (read ``responder.base_url``). Raises OSError when the port is taken."""
    server = Responder(authority, tsa, host, port)
    thread = threading.Thread(target=server.serve_forever, name="saraban-pki-responder", daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
