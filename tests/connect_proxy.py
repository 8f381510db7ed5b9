"""An HTTP proxy on 127.0.0.1, as corporate networks have: ``CONNECT`` tunnels for https and
absolute-form requests for http, optionally with a login (407 without it).

It records every destination it carried, so a test can prove a request went through it.
"""

from __future__ import annotations

import base64
import select
import socket
import socketserver
import threading


class _Handler(socketserver.BaseRequestHandler):
    server: _Server

    def handle(self) -> None:
        client = self.request
        client.settimeout(30)
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = client.recv(65536)
            if not chunk:
                return
            head += chunk
        header_bytes, _, rest = head.partition(b"\r\n\r\n")
        lines = header_bytes.decode("latin-1").split("\r\n")
        method, target, version = lines[0].split(" ", 2)
        headers = [line for line in lines[1:] if line]
        if not self._authorised(headers):
            client.sendall(b"HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"proxy\"\r\n"
                           b"Content-Length: 0\r\nConnection: close\r\n\r\n")
            return
        if method == "CONNECT":
            host, _, port = target.rpartition(":")
            self.server.carried.append(f"{host}:{port}")
            try:
                upstream = socket.create_connection((host.strip("[]"), int(port)), timeout=10)
            except OSError:
                client.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                return
            client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
            if rest:
                upstream.sendall(rest)
            self._pipe(client, upstream)
            return
        # http://host:port/path — one request per connection, both sides told so.
        from urllib.parse import urlsplit

        parts = urlsplit(target)
        self.server.carried.append(f"{parts.hostname}:{parts.port or 80}")
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        kept = [h for h in headers if not h.lower().startswith(("connection:", "proxy-", "keep-alive:"))]
        request = "\r\n".join([f"{method} {path} {version}", *kept, "Connection: close", "", ""]).encode("latin-1")
        try:
            upstream = socket.create_connection((parts.hostname, parts.port or 80), timeout=10)
        except OSError:
            client.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            return
        upstream.sendall(request + rest)
        # The rest of a request body, and the whole answer, with "Connection: close" in its head.
        answer = b""
        while b"\r\n\r\n" not in answer:
            readable, _, _ = select.select([client, upstream], [], [], 30)
            if not readable:
                return
            if client in readable:
                data = client.recv(65536)
                if data:
                    upstream.sendall(data)
            if upstream in readable:
                data = upstream.recv(65536)
                if not data:
                    break
                answer += data
        answer_head, sep, body = answer.partition(b"\r\n\r\n")
        answer_lines = [line for line in answer_head.split(b"\r\n") if not line.lower().startswith(b"connection:")]
        client.sendall(b"\r\n".join([*answer_lines, b"Connection: close"]) + sep + body)
        self._pipe(client, upstream)

    def _authorised(self, headers: list[str]) -> bool:
        if self.server.login is None:
            return True
        expected = "Basic " + base64.b64encode(":".join(self.server.login).encode()).decode()
        return any(h.split(":", 1)[0].lower() == "proxy-authorization" and h.split(":", 1)[1].strip() == expected
                   for h in headers)

    @staticmethod
    def _pipe(a: socket.socket, b: socket.socket) -> None:
        try:
            while True:
                readable, _, _ = select.select([a, b], [], [], 30)
                if not readable:
                    return
                for sock in readable:
                    data = sock.recv(65536)
                    if not data:
                        return
                    (b if sock is a else a).sendall(data)
        except OSError:
            return
        finally:
            b.close()


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    carried: list[str]
    login: tuple[str, str] | None


class ConnectProxy:
    """``with ConnectProxy() as proxy:`` — ``proxy.url`` to put in ``ALL_PROXY``, ``proxy.carried`` to read."""

    def __init__(self, login: tuple[str, str] | None = None):
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.carried = []
        self._server.login = login

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def carried(self) -> list[str]:
        return list(self._server.carried)

    def __enter__(self) -> ConnectProxy:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()


def dead_proxy_url() -> str:
    """A proxy address where nothing listens: a port just bound and released."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"
