"""The private index over https, with a certificate from a private CA, and an http:// address that
redirects to it (a self-hosted server that moved to TLS).

- ``TlsIndex``: pypiserver (with the 401 challenge, as ``PrivateIndex``) behind TLS on
  ``https://127.0.0.1:PORT``; the certificate is issued by a CA made for the test (trustme), which
  no client trusts until it is told to (``ca_file`` for ``SSL_CERT_FILE``, ``REQUESTS_CA_BUNDLE``,
  pip's ``cert``).
- ``RedirectToHttps``: ``http://127.0.0.1:PORT/PATH`` answers 301 to the same path on the TLS index.
"""

from __future__ import annotations

import ssl
import threading
from pathlib import Path
from wsgiref.simple_server import make_server

from private_index import PrivateIndex, _challenge_instead_of_forbidden, _QuietHandler, _ThreadingWSGIServer


class _TlsServer(_ThreadingWSGIServer):
    context: ssl.SSLContext

    def get_request(self):
        sock, address = super().get_request()
        sock.settimeout(30)  # a client that never finishes the handshake frees its thread
        return self.context.wrap_socket(sock, server_side=True, do_handshake_on_connect=False), address

    def process_request_thread(self, request, client_address):
        try:
            request.do_handshake()
        except (ssl.SSLError, OSError):
            self.shutdown_request(request)
            return
        super().process_request_thread(request, client_address)


class TlsIndex:
    def __init__(self, index: PrivateIndex, directory: Path):
        import trustme

        self.index = index
        self.ca = trustme.CA(organization_name="ar-wizard test private CA")
        self.ca_file = directory / "private-ca.pem"
        self.ca.cert_pem.write_to_path(str(self.ca_file))
        self._context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.ca.issue_cert("127.0.0.1", "localhost").configure_cert(self._context)
        self._server: _TlsServer | None = None

    @property
    def base_url(self) -> str:
        assert self._server is not None, "start() the index first"
        return f"https://127.0.0.1:{self._server.server_address[1]}"

    @property
    def simple_url(self) -> str:
        return f"{self.base_url}/simple/"

    @property
    def upload_url(self) -> str:
        return f"{self.base_url}/"

    def start(self) -> TlsIndex:
        import pypiserver

        app = _challenge_instead_of_forbidden(pypiserver.app(
            roots=[self.index.root.resolve()], password_file=str(self.index.htpasswd),
            authenticate=["download", "list", "update"], disable_fallback=True,
        ))
        self._server = server = make_server("127.0.0.1", 0, app, server_class=_TlsServer, handler_class=_QuietHandler)
        server.context = self._context
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


class RedirectToHttps:
    """Every request to ``http://127.0.0.1:PORT/PATH`` gets a 301 to ``TARGET/PATH``."""

    def __init__(self, target_base: str):
        self.target_base = target_base.rstrip("/")
        self._server: _ThreadingWSGIServer | None = None

    @property
    def simple_url(self) -> str:
        assert self._server is not None, "start() the redirect first"
        return f"http://127.0.0.1:{self._server.server_address[1]}/simple/"

    def app(self, environ, start_response):
        location = self.target_base + environ.get("PATH_INFO", "/")
        if environ.get("QUERY_STRING"):
            location += "?" + environ["QUERY_STRING"]
        start_response("301 Moved Permanently", [("Location", location), ("Content-Length", "0")])
        return [b""]

    def start(self) -> RedirectToHttps:
        self._server = server = make_server("127.0.0.1", 0, self.app, server_class=_ThreadingWSGIServer,
                                            handler_class=_QuietHandler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
