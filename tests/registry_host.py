"""A cloud registry's real hostname, answered on this machine.

uv resolves ``https://us-python.pkg.dev/PROJECT/REPO/simple/`` by name and checks
the certificate; the tests have no network. So uv is pointed at an HTTP CONNECT
proxy (``HTTPS_PROXY``) that sends every tunnel to a TLS server on 127.0.0.1
holding a certificate for that host, signed by a CA the test trusts
(``SSL_CERT_FILE``). The TLS server serves the private index under the
registry's path, so uv, pip and the wizard see the registry as they would.
"""

from __future__ import annotations

import datetime
import select
import socket
import ssl
import threading
from pathlib import Path
from socketserver import BaseRequestHandler, ThreadingTCPServer
from wsgiref.simple_server import make_server

from private_index import PrivateIndex, _challenge_instead_of_forbidden, _QuietHandler, _ThreadingWSGIServer


def _certificates(directory: Path, host: str) -> tuple[Path, Path, Path]:
    """A CA, and a certificate for ``host`` it signed: (ca.pem, host.pem, host.key)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "ar-wizard test CA")])
    ca = (
        x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True, content_commitment=False,
                                     key_encipherment=False, data_encipherment=False, key_agreement=False,
                                     encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)]))
        .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(host)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    paths = directory / "ca.pem", directory / "host.pem", directory / "host.key"
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return paths


class _Tunnel(BaseRequestHandler):
    """``CONNECT host:443`` → a pipe to the TLS server, whatever host was asked for."""

    server: _TunnelServer

    def handle(self) -> None:
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.request.recv(4096)
            if not chunk:
                return
            head += chunk
        if not head.startswith(b"CONNECT "):
            self.request.sendall(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
            return
        upstream = socket.create_connection(("127.0.0.1", self.server.tls_port))
        self.request.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
        ends = [self.request, upstream]
        try:
            while True:
                ready, _, _ = select.select(ends, [], [], 30)
                if not ready:
                    return
                for end in ready:
                    data = end.recv(65536)
                    if not data:
                        return
                    (upstream if end is self.request else self.request).sendall(data)
        finally:
            upstream.close()


class _TunnelServer(ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    tls_port: int  # where _Tunnel pipes every CONNECT


class RegistryHost:
    """``index`` answering as ``https://HOST/PREFIX/simple/`` for clients that use the proxy."""

    def __init__(self, index: PrivateIndex, directory: Path, host: str, prefix: str):
        self.index, self.host, self.prefix = index, host, prefix.rstrip("/")
        self.ca, cert, key = _certificates(directory, host)
        self._context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self._context.load_cert_chain(cert, key)

    @property
    def simple_url(self) -> str:
        return f"https://{self.host}{self.prefix}/simple/"

    def env(self) -> dict[str, str]:
        """What a client needs to reach the host: the proxy, and trust in the test CA."""
        proxy = f"http://127.0.0.1:{self._tunnel.server_address[1]}"
        return {"HTTPS_PROXY": proxy, "https_proxy": proxy, "SSL_CERT_FILE": str(self.ca),
                "REQUESTS_CA_BUNDLE": str(self.ca)}

    def start(self) -> RegistryHost:
        import pypiserver

        app = _challenge_instead_of_forbidden(pypiserver.app(
            roots=[self.index.root.resolve()], password_file=str(self.index.htpasswd),
            authenticate=["download", "list", "update"], disable_fallback=True,
        ))
        prefix = self.prefix

        def under_prefix(environ, start_response):
            path = environ.get("PATH_INFO", "")
            if not path.startswith(prefix + "/"):
                start_response("404 Not Found", [("Content-Type", "text/plain")])
                return [b"not here"]
            environ["SCRIPT_NAME"], environ["PATH_INFO"] = prefix, path[len(prefix):]
            return app(environ, start_response)

        self._https = make_server("127.0.0.1", 0, under_prefix, server_class=_ThreadingWSGIServer,
                                  handler_class=_QuietHandler)
        self._https.socket = self._context.wrap_socket(self._https.socket, server_side=True)
        self._tunnel = _TunnelServer(("127.0.0.1", 0), _Tunnel)
        self._tunnel.tls_port = self._https.server_address[1]
        for server in (self._https, self._tunnel):
            threading.Thread(target=server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        for server in (self._https, self._tunnel):
            server.shutdown()
            server.server_close()
