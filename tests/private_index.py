"""A real private index for the tests: pypiserver with htpasswd auth on 127.0.0.1.

pypiserver answers 403 to wrong credentials where the cloud registries answer
401, and pip only asks a keyring after a 401. So the WSGI app is wrapped to
turn any auth failure into ``401`` with a ``WWW-Authenticate`` challenge, the
way Artifact Registry, CodeArtifact and Azure Artifacts behave.
"""

from __future__ import annotations

import base64
import hashlib
import io
import threading
import zipfile
from pathlib import Path
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - signature is the stdlib's
        pass


def _challenge_instead_of_forbidden(app):
    def wrapped(environ, start_response):
        def start(status, headers, exc_info=None):
            if status.startswith("403"):
                status = "401 Unauthorized"
                headers = [(k, v) for k, v in headers if k.lower() != "www-authenticate"]
                headers.append(("WWW-Authenticate", 'Basic realm="pypi"'))
            return start_response(status, headers, exc_info)

        return app(environ, start)

    return wrapped


class PrivateIndex:
    """pypiserver on an ephemeral port, serving ``root``, checking ``htpasswd``."""

    #: The package a fixture put there for tests to install (set by fixtures that serve one).
    package: str

    def __init__(self, root: Path, htpasswd: Path, *, challenge: bool = True):
        """``challenge=False`` leaves stock pypiserver's 403 to wrong or missing credentials."""
        self.root = root
        self.challenge = challenge
        self.htpasswd = htpasswd
        self.root.mkdir(parents=True, exist_ok=True)
        self.htpasswd.touch()
        self._server: _ThreadingWSGIServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        assert self._server is not None, "start() the index first"
        return f"http://{self.host}:{self._server.server_port}"

    @property
    def simple_url(self) -> str:
        return f"{self.base_url}/simple/"

    @property
    def upload_url(self) -> str:
        return f"{self.base_url}/"

    @property
    def host(self) -> str:
        return "127.0.0.1"

    def set_password(self, user: str, password: str) -> None:
        from passlib.apache import HtpasswdFile

        # pypiserver reloads the file when it changes, so a new password takes
        # effect on the next request and the old one stops working.
        pw = HtpasswdFile(str(self.htpasswd))
        pw.set_password(user, password)
        pw.save()

    def add_package(self, name: str, version: str = "1.0.0") -> Path:
        path = self.root / wheel_filename(name, version)
        path.write_bytes(build_wheel(name, version))
        return path

    def packages(self) -> list[str]:
        return sorted(p.name for p in self.root.iterdir())

    def start(self, port: int = 0) -> PrivateIndex:
        import pypiserver

        app = pypiserver.app(
            roots=[self.root.resolve()],
            password_file=str(self.htpasswd),
            authenticate=["download", "list", "update"],
            disable_fallback=True,
        )
        server = make_server(
            "127.0.0.1",
            port,
            _challenge_instead_of_forbidden(app) if self.challenge else app,
            server_class=_ThreadingWSGIServer,
            handler_class=_QuietHandler,
        )
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


def wheel_filename(name: str, version: str) -> str:
    return f"{name.replace('-', '_')}-{version}-py3-none-any.whl"


def build_wheel(name: str, version: str) -> bytes:
    """A minimal, valid pure-Python wheel (PEP 427) with one module."""
    dist = name.replace("-", "_")
    info = f"{dist}-{version}.dist-info"
    files = {
        f"{dist}/__init__.py": f'VERSION = "{version}"\n'.encode(),
        f"{info}/METADATA": (
            f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
            "Summary: A private test package\n"
        ).encode(),
        f"{info}/WHEEL": (
            b"Wheel-Version: 1.0\nGenerator: ar-wizard-tests\n"
            b"Root-Is-Purelib: true\nTag: py3-none-any\n"
        ),
    }
    record_lines = []
    for path, data in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record_lines.append(f"{path},sha256={digest},{len(data)}")
    record_lines.append(f"{info}/RECORD,,")
    files[f"{info}/RECORD"] = ("\n".join(record_lines) + "\n").encode()

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for path, data in files.items():
            zf.writestr(path, data)
    return buf.getvalue()
