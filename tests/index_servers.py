"""Real index servers beyond the pypiserver fixture, each on 127.0.0.1 with an ephemeral port.

Each one behaves the way a kind of server seen in the wild does (docs/servers-and-clients.md, "How
real servers and clients behave"), and each offers the same handles to the tests:
``simple_url``, ``upload_url`` (None where it takes no uploads), ``set_password``,
``add_package`` and ``package`` (a private package it holds).

- ``DevpiServer``: the real devpi-server; a world-readable index ``/USER/dev/+simple/``.
- ``DevpiLockdownFront``: that devpi behind nginx locked by the real devpi-lockdown: a 302 to its
  ``/+login`` form without good credentials, never a challenge.
- ``PypicloudServer``: the real pypicloud with ``default_read = authenticated``: ``/simple/`` empty to
  strangers, a 401 challenge on project pages.
- ``PublicRootIndex``: ``/simple/`` is public, project pages and files need Basic auth;
  pypiserver behind a WSGI front.
- ``SignInRedirectIndex``: missing or wrong credentials get a 302 to an HTML sign-in page and
  never a challenge (devpi-lockdown's shape, SSO fronts); pypiserver behind a WSGI front.
- ``NginxIndex``: nginx ``auth_basic`` over a static PEP 503 tree.
- ``JsonOnlyIndex``: PEP 691 JSON only, 401 challenge.
- stock pypiserver answering 403: ``PrivateIndex(..., challenge=False)`` in private_index.py.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote, urlsplit
from wsgiref.simple_server import make_server

from private_index import _QuietHandler, _ThreadingWSGIServer, build_wheel, wheel_filename

PACKAGE = "acme-secret"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(url: str, seconds: float, proc: subprocess.Popen | None = None, log: Path | None = None) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"{url}: the server exited ({proc.returncode}): {log.read_text()[-2000:] if log else ''}")
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except urllib.error.HTTPError:
            return  # it answers; an auth error is an answer
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up within {seconds:.0f} s")


class _Htpasswd:
    """Basic-auth checks against an htpasswd file, re-read when it changes (as nginx and pypiserver do)."""

    def __init__(self, path: Path):
        from passlib.apache import HtpasswdFile

        self.path = path
        path.touch()
        # apr1 is a scheme nginx reads too.
        self._file = HtpasswdFile(str(path), default_scheme="apr_md5_crypt")
        self._lock = threading.Lock()

    def set_password(self, user: str, password: str) -> None:
        with self._lock:
            self._file.load_if_changed()
            self._file.set_password(user, password)
            self._file.save()

    def allows(self, environ) -> bool:
        header = environ.get("HTTP_AUTHORIZATION", "")
        if not header.lower().startswith("basic "):
            return False
        try:
            user, _, password = base64.b64decode(header[6:]).decode().partition(":")
        except ValueError:
            return False
        with self._lock:
            self._file.load_if_changed()
            return bool(self._file.check_password(user, password))


class _WsgiIndex:
    """An in-process WSGI index on an ephemeral port; subclasses give ``app``."""

    package = PACKAGE
    upload_path: str | None = "/"

    def __init__(self, root: Path):
        self.root = root
        self.packages_dir = root / "packages"
        self.packages_dir.mkdir(parents=True, exist_ok=True)
        self.users = _Htpasswd(root / "htpasswd")
        self._server: _ThreadingWSGIServer | None = None

    @property
    def base_url(self) -> str:
        assert self._server is not None, "start() the index first"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def simple_url(self) -> str:
        return f"{self.base_url}/simple/"

    @property
    def upload_url(self) -> str | None:
        return None if self.upload_path is None else self.base_url + self.upload_path

    def set_password(self, user: str, password: str) -> None:
        self.users.set_password(user, password)

    def add_package(self, name: str, version: str = "1.0.0") -> Path:
        path = self.packages_dir / wheel_filename(name, version)
        path.write_bytes(build_wheel(name, version))
        return path

    def packages(self) -> list[str]:
        return sorted(p.name for p in self.packages_dir.iterdir())

    def app(self, environ, start_response):
        raise NotImplementedError

    def start(self):
        self.add_package(self.package)
        self._server = server = make_server(
            "127.0.0.1", 0, self.app, server_class=_ThreadingWSGIServer, handler_class=_QuietHandler
        )
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


def _pypiserver(root: Path, authenticate: list[str], htpasswd: Path | None = None):
    import pypiserver

    return pypiserver.app(
        roots=[root.resolve()],
        password_file=str(htpasswd) if htpasswd else ".",
        authenticate=authenticate,
        disable_fallback=True,
    )


def _challenge(start_response):
    start_response("401 Unauthorized", [("WWW-Authenticate", 'Basic realm="index"'), ("Content-Type", "text/plain")])
    return [b"401 Unauthorized\n"]


class PublicRootIndex(_WsgiIndex):
    """``/simple/`` answers anyone; project pages, files and uploads need Basic auth (401 challenge)."""

    def start(self):
        self._inner = _pypiserver(self.packages_dir, [])
        return super().start()

    def app(self, environ, start_response):
        public = environ.get("PATH_INFO") == "/simple/" and environ["REQUEST_METHOD"] == "GET"
        if not public and not self.users.allows(environ):
            return _challenge(start_response)
        return self._inner(environ, start_response)


SIGN_IN_PAGE = b"""<!DOCTYPE html>
<html><head><title>Sign in</title></head>
<body><form method="post" action="/+login"><input name="username"><input name="password" type="password">
<button>Sign in</button></form></body></html>
"""


class SignInRedirectIndex(_WsgiIndex):
    """Missing or wrong credentials: a 302 to ``/+login``, an HTML sign-in form. It never challenges."""

    def start(self):
        self._inner = _pypiserver(self.packages_dir, [])
        return super().start()

    def app(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path == "/+login":
            start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
            return [SIGN_IN_PAGE]
        if not self.users.allows(environ):
            start_response("302 Found", [("Location", f"{self.base_url}/+login?goto={quote(path)}")])
            return [b""]
        return self._inner(environ, start_response)


class JsonOnlyIndex(_WsgiIndex):
    """PEP 691 JSON only, whatever the client asks for; 401 + challenge without the right credentials."""

    upload_path = None
    JSON = "application/vnd.pypi.simple.v1+json"

    def app(self, environ, start_response):
        if not self.users.allows(environ):
            return _challenge(start_response)
        parts = [p for p in environ.get("PATH_INFO", "").split("/") if p]
        files = sorted(self.packages_dir.iterdir())
        if parts == ["simple"]:
            names = sorted({f.name.split("-")[0].replace("_", "-") for f in files})
            return self._json(start_response, {"meta": {"api-version": "1.1"}, "projects": [{"name": n} for n in names]})
        if len(parts) == 2 and parts[0] == "simple":
            mine = [f for f in files if f.name.split("-")[0].replace("_", "-") == parts[1]]
            if not mine:
                start_response("404 Not Found", [("Content-Type", "text/plain")])
                return [b"not found\n"]
            entries = [
                {"filename": f.name, "url": f"/files/{f.name}", "hashes": {"sha256": hashlib.sha256(f.read_bytes()).hexdigest()}}
                for f in mine
            ]
            return self._json(start_response, {"meta": {"api-version": "1.1"}, "name": parts[1], "files": entries})
        if len(parts) == 2 and parts[0] == "files" and (self.packages_dir / parts[1]).is_file():
            start_response("200 OK", [("Content-Type", "application/octet-stream")])
            return [(self.packages_dir / parts[1]).read_bytes()]
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found\n"]

    def _json(self, start_response, data):
        start_response("200 OK", [("Content-Type", self.JSON)])
        return [json.dumps(data).encode()]


NGINX_CONF = """\
daemon off;
master_process off;
worker_processes 1;
{user}
pid {root}/nginx.pid;
error_log {root}/error.log;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {root}/tmp;
    proxy_temp_path {root}/tmp;
    fastcgi_temp_path {root}/tmp;
    uwsgi_temp_path {root}/tmp;
    scgi_temp_path {root}/tmp;
    types {{ text/html html; application/octet-stream whl; }}
    server {{
        listen 127.0.0.1:{port};
        root {root}/www;
        auth_basic "index";
        auth_basic_user_file {root}/htpasswd;
    }}
}}
"""


def nginx_path() -> str | None:
    return shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.path.exists(p)), None)


class NginxIndex(_WsgiIndex):
    """nginx ``auth_basic`` serving a static PEP 503 tree (``www/simple/…``, files in ``www/packages/``)."""

    upload_path = None

    def __init__(self, root: Path):
        super().__init__(root)
        self.www = root / "www"
        self.packages_dir = self.www / "packages"
        self.packages_dir.mkdir(parents=True, exist_ok=True)
        self._proc: subprocess.Popen[bytes] | None = None
        self.port = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def add_package(self, name: str, version: str = "1.0.0") -> Path:
        path = super().add_package(name, version)
        self._write_tree()
        return path

    def _write_tree(self) -> None:
        projects: dict[str, list[Path]] = {}
        for f in sorted(self.packages_dir.iterdir()):
            projects.setdefault(f.name.split("-")[0].replace("_", "-"), []).append(f)
        simple = self.www / "simple"
        simple.mkdir(exist_ok=True)
        links = "".join(f'<a href="{n}/">{n}</a>\n' for n in projects)
        (simple / "index.html").write_text(f"<!DOCTYPE html><html><body>\n{links}</body></html>\n")
        for name, files in projects.items():
            (simple / name).mkdir(exist_ok=True)
            anchors = "".join(
                f'<a href="../../packages/{f.name}#sha256={hashlib.sha256(f.read_bytes()).hexdigest()}">{f.name}</a>\n'
                for f in files
            )
            (simple / name / "index.html").write_text(f"<!DOCTYPE html><html><body>\n{anchors}</body></html>\n")

    def start(self):
        nginx = nginx_path()
        assert nginx is not None, "nginx is not installed (its fixtures skip without it)"
        (self.root / "tmp").mkdir(exist_ok=True)
        self.add_package(self.package)
        self.port = free_port()
        conf = self.root / "nginx.conf"
        # Workers drop to `nobody`, who cannot enter pytest's 0700 temp dirs.
        user = "user root;" if os.geteuid() == 0 else ""
        conf.write_text(NGINX_CONF.format(root=self.root, port=self.port, user=user))
        log = self.root / "stderr.log"
        self._proc = subprocess.Popen(
            [nginx, "-c", str(conf), "-p", str(self.root)], stdout=subprocess.DEVNULL, stderr=log.open("wb")
        )
        _wait_for(self.simple_url, 20, self._proc, log)
        return self

    def stop(self) -> None:
        if self._proc is not None:
            self._proc.terminate()
            self._proc.wait(timeout=10)


#: devpi-server derives its login-token key with argon2 at every start: ~10 s of CPU at its defaults,
#: more than all of a worker's devpi tests. These are the parameters devpi's own test suite starts it
#: with (test_devpi_server/plugin.py, LOWER_ARGON2_*); the key stays random, only cheaper to derive.
LOW_ARGON2 = ("--argon2-memory-cost", "8", "--argon2-parallelism", "1", "--argon2-time-cost", "1")


class DevpiServer:
    """The real devpi-server: user ``owner`` holds the world-readable index ``owner/dev``."""

    package = PACKAGE
    owner = "owner"
    root_password = "root-pw-for-tests"

    def __init__(self, root: Path):
        self.root = root
        self.serverdir = root / "server"
        self.port = 0
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def upload_url(self) -> str:
        return f"{self.base_url}/{self.owner}/dev/"

    @property
    def simple_url(self) -> str:
        return f"{self.upload_url}+simple/"

    def _bin(self, name: str) -> str:
        return str(Path(sys.executable).parent / name)

    def start(self):
        subprocess.run(
            # No root/pypi mirror: the tests reach no network, and the index has no PyPI behind it.
            [self._bin("devpi-init"), "--serverdir", str(self.serverdir), "--root-passwd", self.root_password,
             "--no-root-pypi"],
            check=True, capture_output=True, timeout=120,
        )
        self.port = free_port()
        log = self.root / "server.log"
        self._proc = subprocess.Popen(
            [self._bin("devpi-server"), "--serverdir", str(self.serverdir), "--host", "127.0.0.1",
             "--port", str(self.port), *LOW_ARGON2],
            stdout=log.open("wb"), stderr=subprocess.STDOUT,
        )
        _wait_for(self.base_url + "/+api", 60, self._proc, log)
        self.owner_password = "owner-pw-" + os.urandom(4).hex()
        self.set_password(self.owner, self.owner_password)
        self._call("PUT", f"/{self.owner}/dev", {"type": "stage", "bases": [], "volatile": True},
                   auth=(self.owner, self.owner_password))
        self.upload(build_wheel(self.package, "1.0.0"), wheel_filename(self.package, "1.0.0"))
        return self

    def _call(self, method: str, path: str, data=None, auth=None) -> int:
        body = None if data is None else json.dumps(data).encode()
        request = urllib.request.Request(self.base_url + path, data=body, method=method,
                                         headers={"Content-Type": "application/json", "Accept": "application/json"})
        if auth:
            request.add_header("Authorization", "Basic " + base64.b64encode(":".join(auth).encode()).decode())
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status
        except urllib.error.HTTPError as err:
            return err.code

    def set_password(self, user: str, password: str) -> None:
        """Create ``user``, or give an existing one a new password (as root)."""
        status = self._call("PUT", f"/{user}", {"password": password})
        if status == 409:
            status = self._call("PATCH", f"/{user}", {"password": password}, auth=("root", self.root_password))
        if status not in (200, 201):
            raise RuntimeError(f"devpi refused to set the password of {user}: HTTP {status}")
        if user == self.owner:
            self.owner_password = password

    def upload(self, data: bytes, filename: str) -> None:
        """The upload twine makes, as the index's owner."""
        upload_wheel(self.upload_url, self.owner, self.owner_password, data, filename)

    def packages(self) -> list[str]:
        with urllib.request.urlopen(self.simple_url, timeout=30) as response:
            listing = response.read().decode()
        names = []
        for project in sorted(set(_anchor_texts(listing))):
            with urllib.request.urlopen(f"{self.simple_url}{project}/", timeout=30) as response:
                names.extend(_anchor_texts(response.read().decode()))
        return sorted(names)

    def stop(self) -> None:
        if self._proc is not None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self._proc.kill()


def upload_wheel(url: str, user: str, password: str, data: bytes, filename: str) -> None:
    """The upload twine makes (the legacy ``file_upload`` form), with Basic auth."""
    boundary = "arwizardboundary"
    name, version = filename.split("-")[:2]
    fields = {":action": "file_upload", "name": name.replace("_", "-"), "version": version,
              "filetype": "bdist_wheel", "pyversion": "py3", "metadata_version": "2.1",
              "sha256_digest": hashlib.sha256(data).hexdigest()}
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
             for k, v in fields.items()]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="content"; filename="{filename}"\r\n'
                 "Content-Type: application/octet-stream\r\n\r\n".encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    request = urllib.request.Request(url, data=b"".join(parts), method="POST",
                                     headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    request.add_header("Authorization", f"Basic {token}")
    with urllib.request.urlopen(request, timeout=30):
        pass


def _anchor_texts(html: str) -> list[str]:
    import re

    return re.findall(r"<a\b[^>]*>\s*([^<\s]+)\s*</a>", html)


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


class HiddenListIndex(_WsgiIndex):
    """pypicloud's shape (``default_read = authenticated``): ``/simple/`` answers strangers with an empty
    list and no challenge, lists the projects to a signed-in user; project pages, files and uploads
    answer 401 with a challenge to anyone else."""

    def start(self):
        self._inner = _pypiserver(self.packages_dir, [])
        return super().start()

    def app(self, environ, start_response):
        if self.users.allows(environ):
            return self._inner(environ, start_response)
        if environ.get("PATH_INFO") == "/simple/" and environ["REQUEST_METHOD"] == "GET" \
                and not environ.get("HTTP_AUTHORIZATION"):
            start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
            return [b"<!DOCTYPE html><html><head><title>Simple index</title></head><body></body></html>"]
        return _challenge(start_response)


class UploadGuardedPypiserver(_WsgiIndex):
    """Stock pypiserver as its README runs it, ``-a update``: anyone reads, uploads need a password from the
    htpasswd file (401 without one, 403 to a wrong one)."""

    def start(self):
        self._inner = _pypiserver(self.packages_dir, ["update"], self.users.path)
        return super().start()

    def app(self, environ, start_response):
        return self._inner(environ, start_response)


PYPICLOUD_INI = """\
[app:main]
use = egg:pypicloud
# Project pages, files and the list are for signed-in users; a stranger gets an empty /simple/
# and a 401 challenge on a project page. Every user may upload.
pypi.default_read = authenticated
pypi.default_write = authenticated
# Unknown projects are not sent on to pypi.org: the tests reach no network.
pypi.fallback = none
pypi.storage = file
storage.dir = {root}/packages
db.url = sqlite:///{root}/cache.sqlite
# Users live in SQL tables the tests write (config users would need a restart for each new password).
pypi.auth = sql
auth.db.url = sqlite:///{root}/users.sqlite
auth.scheme = {scheme}
auth.rounds = {rounds}
session.encrypt_key = {session_key}
session.validate_key = {session_key}
session.secure = false
"""


class PypicloudServer:
    """The real pypicloud (file storage, SQL users) under waitress, configured as a team runs it
    privately: ``default_read = authenticated``."""

    package = PACKAGE
    # A cheap hash keeps each request's password check fast.
    scheme, rounds = "pbkdf2_sha256", 1000

    def __init__(self, root: Path):
        self.root = root
        self.port = 0
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def simple_url(self) -> str:
        return f"{self.base_url}/simple/"

    @property
    def upload_url(self) -> str:
        return self.base_url + "/"  # pypicloud takes twine's uploads at / (and at /simple/ and /pypi)

    def start(self):
        ini = self.root / "pypicloud.ini"
        ini.write_text(PYPICLOUD_INI.format(root=self.root, scheme=self.scheme, rounds=self.rounds,
                                            session_key=os.urandom(16).hex()))
        self.port = free_port()
        log = self.root / "server.log"
        self._proc = subprocess.Popen(
            [sys.executable, str(Path(__file__).with_name("pypicloud_serve.py")), str(ini), str(self.port)],
            stdout=log.open("wb"), stderr=subprocess.STDOUT,
        )
        _wait_for(self.simple_url, 60, self._proc, log)
        seeder, password = "seeder", "seeder-" + os.urandom(6).hex()
        self.set_password(seeder, password)
        upload_wheel(self.upload_url, seeder, password, build_wheel(self.package, "1.0.0"),
                     wheel_filename(self.package, "1.0.0"))
        return self

    def set_password(self, user: str, password: str) -> None:
        """Create ``user``, or give it a new password, in pypicloud's own user table (made at start-up)."""
        import sqlite3

        from passlib.hash import pbkdf2_sha256

        # The hash pypicloud's own passlib context makes for ``auth.scheme``/``auth.rounds`` (importing
        # pypicloud here would load pyramid into the test process).
        hashed = pbkdf2_sha256.using(rounds=self.rounds).hash(password)
        with sqlite3.connect(self.root / "users.sqlite") as db:
            db.execute("INSERT OR REPLACE INTO pypicloud_users (username, password, admin, pending) "
                       "VALUES (?, ?, 0, 0)", (user, hashed))

    def packages(self) -> list[str]:
        """The files pypicloud stored (``packages/NAME/VERSION/FILE``, each with a ``.meta`` beside it)."""
        return sorted(p.name for p in (self.root / "packages").glob("*/*/*") if p.suffix != ".meta")

    def stop(self) -> None:
        if self._proc is not None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self._proc.kill()


DEVPI_LOCKDOWN_NGINX_CONF = """\
daemon off;
master_process off;
worker_processes 1;
{user}
pid {root}/nginx.pid;
error_log {root}/error.log;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {root}/tmp;
    proxy_temp_path {root}/tmp;
    fastcgi_temp_path {root}/tmp;
    uwsgi_temp_path {root}/tmp;
    scgi_temp_path {root}/tmp;
    server {{
        listen 127.0.0.1:{port};

        # devpi-lockdown's README, verbatim but for the values copied from this server block:
        # this redirects to the login view when not logged in
        recursive_error_pages on;
        error_page 401 = @error401;
        location @error401 {{
            return 302 /+login?goto_url=$request_uri;
        }}

        # lock down everything by default
        auth_request /+authcheck;

        # the location to check whether the provided infos authenticate the user
        location = /+authcheck {{
            internal;

            proxy_pass_request_body off;
            proxy_set_header Content-Length "";
            proxy_set_header X-Original-URI $request_uri;
            proxy_set_header X-outside-url $scheme://$http_host;
            proxy_set_header X-Real-IP $remote_addr;
            proxy_pass {devpi};
        }}

        location / {{
            proxy_set_header X-outside-url $scheme://$http_host;
            proxy_set_header X-Real-IP $remote_addr;
            proxy_pass {devpi};
        }}
    }}
}}
"""


class DevpiLockdownFront:
    """devpi behind nginx with devpi-lockdown: reads need credentials too, and a request without good ones
    gets a 302 to devpi-lockdown's ``/+login`` form, never a challenge.

    The plugin only adds the ``/+authcheck`` and ``/+login`` views to every devpi-server in the environment;
    the lock is nginx's ``auth_request``. So this front locks the session's ``devpi`` server, whose users,
    index and packages it shares, and starts no second devpi."""

    def __init__(self, root: Path, devpi: DevpiServer):
        self.root = root
        self.devpi = devpi
        self.package = devpi.package
        self.owner = devpi.owner
        self.port = 0
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def upload_url(self) -> str:
        return f"{self.base_url}/{self.owner}/dev/"

    @property
    def simple_url(self) -> str:
        return f"{self.upload_url}+simple/"

    @property
    def owner_password(self) -> str:
        return self.devpi.owner_password

    def set_password(self, user: str, password: str) -> None:
        self.devpi.set_password(user, password)

    def packages(self) -> list[str]:
        return self.devpi.packages()

    def start(self):
        nginx = nginx_path()
        assert nginx is not None, "nginx is not installed (its fixtures skip without it)"
        (self.root / "tmp").mkdir(exist_ok=True)
        self.port = free_port()
        conf = self.root / "nginx.conf"
        user = "user root;" if os.geteuid() == 0 else ""  # as NginxIndex: workers cannot enter 0700 temp dirs
        conf.write_text(DEVPI_LOCKDOWN_NGINX_CONF.format(root=self.root, port=self.port, user=user,
                                                         devpi=self.devpi.base_url))
        log = self.root / "stderr.log"
        self._proc = subprocess.Popen(
            [nginx, "-c", str(conf), "-p", str(self.root)], stdout=subprocess.DEVNULL, stderr=log.open("wb")
        )
        _wait_for(self.base_url + "/+login", 20, self._proc, log)
        return self

    def stop(self) -> None:
        if self._proc is not None:
            self._proc.terminate()
            self._proc.wait(timeout=10)


class AzureFeed(_WsgiIndex):
    """An Azure Artifacts feed's PyPI endpoints as Azure answers them, over pypiserver:
    ``/ORG/_packaging/FEED/pypi/simple/`` and uploads at ``…/pypi/upload/``. A PAT is the password (any
    username); without one, or with an unknown one, 401 and a Basic challenge; a PAT with Packaging Read
    reads, and its upload gets 403 with Azure's "lacks permission … 'AddPackage'" message; a PAT with
    Packaging Read & write uploads, so an upload with nothing in it gets pypiserver's 400."""

    organization, feed = "acme", "py"

    def __init__(self, root: Path):
        super().__init__(root)
        self.pats: dict[str, bool] = {}  # PAT → may write
        self.prefix = f"/{self.organization}/_packaging/{self.feed}/pypi"

    @property
    def simple_url(self) -> str:
        return f"{self.base_url}{self.prefix}/simple/"

    @property
    def upload_url(self) -> str:
        return f"{self.base_url}{self.prefix}/upload/"

    def add_pat(self, pat: str, *, write: bool) -> None:
        self.pats[pat] = write

    def set_password(self, user: str, password: str) -> None:
        self.add_pat(password, write=True)

    def start(self):
        self._inner = _pypiserver(self.packages_dir, [])
        return super().start()

    def _pat(self, environ) -> str | None:
        header = environ.get("HTTP_AUTHORIZATION", "")
        if not header.lower().startswith("basic "):
            return None
        try:
            return base64.b64decode(header[6:]).decode().partition(":")[2]
        except ValueError:
            return None

    def app(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if not path.startswith(self.prefix + "/"):
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"not here"]
        pat = self._pat(environ)
        if pat not in self.pats:
            realm = 'Basic realm="https://pkgsprodcus1.pkgs.visualstudio.com/"'
            start_response("401 Unauthorized", [("WWW-Authenticate", realm), ("Content-Type", "text/plain")])
            return [b"401 Unauthorized\n"]
        rest = path[len(self.prefix):]
        if rest.startswith("/upload"):
            if not self.pats[pat]:
                start_response("403 Forbidden", [("Content-Type", "application/json")])
                return [json.dumps({"message": "User 'a1b2c3' lacks permission to complete this action. You need to "
                                               "have 'AddPackage'.", "typeKey": "UnauthorizedException"}).encode()]
            rest = "/"
        environ["SCRIPT_NAME"], environ["PATH_INFO"] = self.prefix, rest
        return self._inner(environ, start_response)
